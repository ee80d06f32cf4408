"""The list of `jixiao`'s verbs and groups: each one's name and what the whole command
tree has of it for its list and its errors (help texts, attributes that differ from a new
command's). Written by scripts/verb_list.py: do not edit; regenerate when a verb or its
help changes (tests/api/test_cli_help_tree.py says when)."""
# ruff: noqa: E501 - written by a program (a Chinese character is two columns wide)

from __future__ import annotations

from typing import Any, Final

VERBS: Final[list[dict[str, Any]]] = [
 {'help': 'Apply a JSON Lines file of commands, all or nothing.', 'name': 'apply'},
 {'help': 'Close a period: freeze its statement (hash recorded). Where the ledger requires\n'
         'a second person, this prepares the close, and `--approve` by another person closes.\n'
         'Refused while publicity of results inside the period runs or has unsettled\n'
         'objections.',
 'name': 'close'},
 {'help': 'Print the JSON schemas of the commands.', 'name': 'schema'},
 {'help': "Print a period's payout statement.", 'name': 'payout'},
 {'help': "Print a period's reconciliation (balances to 0.00; exit 1 when it does not).",
 'name': 'reconcile'},
 {'help': "Explain a person's, a department's or any figure's pay, figure by figure.",
 'name': 'explain'},
 {'help': 'A closed period recomputed with everything known now: deltas per person.',
 'name': 'restatement'},
 {'help': 'Compare a period at two points: who gains or loses, and why.', 'name': 'diff'},
 {'help': 'Grades for a period: quotas, derived warnings and pay by grade.\n'
         '\n'
         'Quota use per scope, why a grade moved; `explain --subject ID`: one subject, by '
         'figure.',
 'name': 'grades'},
 {'help': 'List recorded events (the audit trail): who, when, what, effective when.',
 'name': 'events'},
 {'help': 'Verify the hash chain over the event log and every stored statement; with\n'
         '--expect, against a signed receipt too (exit 1 when anything is broken).',
 'name': 'verify'},
 {'help': 'Add, rotate, disable or list users; set a web sign-in password (passwd). A token is\n'
         'printed once.',
 'name': 'users'},
 {'help': 'Write a fresh demo hospital year and print its payouts; --serve also serves the\n'
         'pages.',
 'name': 'demo'},
 {'help': 'Serve the HTTP API (OpenAPI docs at /docs).', 'name': 'serve'},
 {'help': 'Write payslips (工资条): one file per department, one page (or block) per person.',
 'name': 'payslips'},
 {'help': 'Check a payslip PDF against the ledger (exit 1 when it does not match).',
 'name': 'verify-document'},
 {'help': 'Verify the chain and write a signed receipt of its head, to keep outside the\n'
         "organisation's control.",
 'name': 'checkpoint'},
 {'help': 'Create a new ledger with its settings recorded as its first events; closing a\n'
         'period needs a second person unless --one-person-close; with --scheme, the ledger\n'
         'starts on a shipped scheme (its adoption is in the same batch).',
 'name': 'init'},
 {'help': "Copy the ledger (SQLite's online backup), then verify the copy.", 'name': 'backup'},
 {'help': 'Restore a backup into a new ledger (never over an existing one), then verify it\n'
         'and recompute every closed statement.',
 'name': 'restore'},
 {'help': 'Import a spreadsheet of one kind (the kinds are listed under KIND), all or nothing.',
 'name': 'import'},
 {'help': 'Write an empty workbook to fill in: headers, drop-down lists, an example row.\n'
         'Lists come from the ledger (--db, $JIXIAO_DB or ./jixiao.db, as every verb opens);\n'
         'where there is none yet, from the shipped scheme.',
 'name': 'template'},
 {'commands': [{'help': 'File an appeal against one entry or payout line.', 'name': 'file'},
              {'help': 'Assign an appeal to a reviewer (recusal is checked).',
               'name': 'assign'},
              {'help': 'Decide an appeal; its corrections are recorded with it.',
               'name': 'decide'},
              {'help': 'Ask for the re-review of a decided appeal.', 'name': 'escalate'},
              {'help': 'An appeal: state, deadlines, contested entry, history.',
               'name': 'show'},
              {'help': 'Open appeals by review deadline; overdue ones flagged.',
               'name': 'list'},
              {'help': 'What a decision would change, for everyone it touches; nothing is '
                       'written.',
               'name': 'preview'},
              {'help': 'Write the decision letter (决定书) of one decided appeal as a PDF.',
               'name': 'letter'}],
 'help': 'File, assign, decide and follow appeals.',
 'name': 'appeal',
 'no_args_is_help': True},
 {'commands': [{'help': "Export the period's statement (绩效工资发放表).", 'name': 'statement'},
              {'help': "Export the period's reconciliation (绩效工资对账表).",
               'name': 'reconciliation'},
              {'help': "Export the period's restatement (已结账期间重算表).", 'name': 'restatement'},
              {'help': "Export the period's grades (考核等级表).", 'name': 'grades'},
              {'help': "Export the period's figures (中间数明细表).", 'name': 'figures'},
              {'help': "Export the period's events, filtered as the audit listing filters "
                       'them.',
               'name': 'events'},
              {'help': 'Write a decision letter (决定书) PDF for each decided appeal into a '
                       'directory.',
               'name': 'letters'},
              {'help': 'Gross pay per person and line, for payroll to compute the income tax '
                       'on.',
               'name': 'payroll'},
              {'help': "Net pay (gross less the withholding payroll reported) in a bank's "
                       'batch layout.',
               'name': 'bank'}],
 'help': 'Export a period as XLSX, CSV or PDF; decision letters as PDF.',
 'name': 'export',
 'no_args_is_help': True},
 {'commands': [{'help': "The shipped schemes (no ledger needed); with --db also the ledger's "
                       'adoptions.',
               'name': 'list'},
              {'help': "A scheme's rules, each with its catalogue id and seed line.",
               'name': 'show'},
              {'help': 'Copy a scheme to edit: a new name (version 1), or the next version of '
                       'the same.',
               'name': 'new'},
              {'help': 'Check a scheme file: every problem with its line; exit 2 when there is '
                       'one.',
               'name': 'check'},
              {'help': 'What changes from A to B, rule by rule (shipped names or files).',
               'name': 'diff'},
              {'help': "A period's statements now and under the scheme file, side by side; "
                       'nothing is\n'
                       'written.',
               'name': 'preview'},
              {'help': 'Adopt a scheme file from a date: it replaces the scheme of its kind '
                       'from then on;\n'
                       'earlier periods keep theirs.',
               'name': 'adopt'},
              {'help': 'Print the JSON Schema of scheme files (for editors).',
               'name': 'json-schema'}],
 'help': 'Schemes (考核方案): list, show, copy, check, compare, preview, adopt.',
 'name': 'scheme',
 'no_args_is_help': True},
 {'commands': [{'help': "录入一年的放假安排和调休上班日。 Record a year's holidays and make-up working days.",
               'name': 'record-notice'},
              {'help': "查看某年日历的来源、放假和调休。 Where a year's calendar comes from, and its days.",
               'name': 'show'},
              {'help': '计算期限：起算日之后第 N 个工作日（或自然日）。 The day N working or calendar days later.',
               'name': 'deadline'}],
 'help': "工作日日历：录入国务院放假通知、查看、计算期限。 The working-day calendar: record a year's holiday notice, "
         'show a year, compute a deadline.',
 'name': 'calendar',
 'no_args_is_help': True},
 {'commands': [{'help': '记录书面决定送达之日。 Record the day a written decision reached its subject.',
               'name': 'deliver'},
              {'help': '记录向上级机关备案。 Record results filed with a higher body.', 'name': 'file'},
              {'help': "开始公示某期结果。 Make a period's results public from a day.",
               'name': 'publicize'},
              {'help': '记录公示期内的异议。 Record an objection raised during publicity.',
               'name': 'object'},
              {'help': '处理公示期内的异议：成立（注明更正条目）或不成立，并说明理由。 Settle an objection.',
               'name': 'settle'},
              {'help': '结果定稿（公示期结束后）。 Make results final; refused until publicity has ended.',
               'name': 'finalize'},
              {'help': '记录账本外的结果及其来源。 Record a result the ledger did not compute, with its '
                       'source.',
               'name': 'outside-result'},
              {'help': '逾期报告：送达、备案、公示、逾期的申诉决定、触发记录被撤销的处分。 Deadlines kept\nand missed.',
               'name': 'report'}],
 'help': '送达、备案、公示、异议、定稿、外部结果与逾期报告。 Delivery, filing, publicity, objections, final results, '
         'outside results, and what was late.',
 'name': 'procedures',
 'no_args_is_help': True},
 {'commands': [{'help': "Record a person's bank name, account and ID number, sealed with their "
                       'own key.',
               'name': 'record'},
              {'help': "Show a person's details (whole: this command speaks as the store's "
                       'owner).',
               'name': 'show'},
              {'help': "Erase a person's details for good: destroy their data keys "
                       '(crypto-shredding).',
               'name': 'forget'}],
 'help': 'Personal details: bank name, bank account and ID number.',
 'name': 'personal',
 'no_args_is_help': True},
 {'commands': [{'help': 'Write a new Ed25519 key pair for signing checkpoints.', 'name': 'new'},
              {'help': 'Write a new key that signs the stored snapshot of the fold.\n'
                       '\n'
                       'Point JIXIAO_SNAPSHOT_KEY_FILE at it; no personal data, no backup '
                       'needed.',
               'name': 'snapshot'},
              {'help': 'Create a new master key file (never overwrites one); back it up at '
                       'once.',
               'name': 'master'}],
 'help': 'Keys kept outside the database: signing keys for checkpoints (Ed25519), the master '
         'key of personal data, the snapshot key.',
 'name': 'keys',
 'no_args_is_help': True},
 {'help': "Show the ledger's settings; with options, record those changed (the others are\n"
         'carried over).',
 'name': 'settings'},
]

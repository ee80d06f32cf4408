"""Every sentence the spreadsheet import and templates show a person, in one place so a
later issue can catalogue them (Chinese first, English alongside, as the CLI's other
text is English). Filled in with str.format."""

from __future__ import annotations

# --- the file
NO_FILE = "找不到文件 {path!r} (no file {path!r})"
A_DIRECTORY = "{path!r} 是文件夹，不是表格文件 ({path!r} is a directory, not a file)"
CORRUPT = ("文件已损坏，无法作为 XLSX 读取：{error}；请在 Excel/WPS 中打开后另存为 .xlsx 或 CSV "
           "(the file is damaged and cannot be read as XLSX)")
ENCRYPTED = ("文件受密码保护或是旧版 .xls 格式：请取消密码，另存为 .xlsx 或 CSV 后再导入 "
             "(password-protected or an old .xls file: remove the password and save it as "
             ".xlsx or CSV)")
NOT_ENCODED = ("按 {encoding} 无法解码（第 {offset} 字节 0x{byte:02x}）：请用 --encoding 指定编码，"
               "或另存为 CSV UTF-8 (not {encoding} text; choose the encoding with --encoding)")
NOT_TEXT = ("既不是 UTF-8 也不是 GB18030 文本（第 {offset} 字节）：请另存为 CSV UTF-8 或 XLSX "
            "(neither UTF-8 nor GB18030 text: save it as CSV UTF-8 or XLSX)")
NO_SHEET = ("没有名为 {sheet!r} 的工作表；工作表有：{sheets} (no sheet {sheet!r}; the sheets "
            "are: {sheets})")
NO_VISIBLE_SHEET = "工作簿中没有可见的工作表 (the workbook has no visible sheet)"
HIDDEN_SHEETS = "已忽略隐藏的工作表：{sheets} (hidden sheets ignored: {sheets})"
HIDDEN_SHEET_CHOSEN = "工作表 {sheet!r} 是隐藏的 (sheet {sheet!r} is hidden)"
EMPTY = "文件是空的；第一行必须是表头：{columns} (the file is empty; the first row must be " \
        "the header: {columns})"
BAD_CSV = "无法按 CSV 读取：{error} (not readable as CSV: {error})"
NOT_CHOSEN_ENCODING = "CSV 编码只能是 {allowed} (the CSV encoding is one of {allowed})"

# --- the header
MERGED_HEADER = ("表头单元格 {cells} 是合并单元格：取消合并，每列一个表头 (merged header cells "
                 "{cells}: unmerge them, one header per column)")
NO_NAME = "该列没有表头：删除空列 (the column has no name; delete the empty column)"
TWICE = "该列出现两次 (the column appears twice)"
UNKNOWN_COLUMN = "未知的列 {name!r}{hint}；可用的列：{columns} (unknown column)"
SEMICOLONS = "（文件须以逗号分隔，不能用分号或制表符 / comma-separated, not ';' or tab）"
MISSING_COLUMN = "缺少必填列 (missing required column)"
NO_KIND = "没有 {kind!r} 这种导入类型；可用：{kinds} (no import kind {kind!r}; use one of: {kinds})"

# --- one row
HIDDEN_ROW = ("该行被隐藏：取消隐藏后检查，或删除该行 (the row is hidden: unhide and check it, "
              "or delete it)")
CELL_COUNT = ("{cells} 个单元格，但表头有 {columns} 列：检查多余或缺少的逗号、未闭合的引号 "
              "({cells} cell(s), but the header has {columns} column(s))")
FORMULA_NO_VALUE = ("公式没有计算结果（未缓存值）：在 Excel/WPS 中打开并保存一次，或填入数值 "
                    "(a formula without a cached value: open and save the file in Excel/WPS, "
                    "or type the value)")
ERROR_VALUE = "单元格是错误值 {value} (the cell holds the error {value})"
NOT_A_NUMBER = "不是数字：{value!r} (not a number: {value!r})"
NOT_A_DATE = "不是日期：{value!r} (not a date: {value!r})"

# --- warnings (the row is read; the person is told how)
WIDE_DIGITS = "{where} {column}：全角字符已转为半角 {before!r} → {after!r} (full-width " \
              "characters normalised)"
THOUSANDS = "{where} {column}：已去掉千位分隔符 {before!r} → {after!r} (thousands " \
            "separators removed)"
SERIAL_DATE = "{where} {column}：Excel 日期序号 {before!r} 读作 {after} (an Excel date serial " \
              "read as a date)"
SLASHED_DATE = "{where} {column}：日期 {before!r} 读作 {after} (a date written as Excel shows " \
               "it, read as YYYY-MM-DD)"
DATE_PERIOD = "{where} {column}：日期单元格 {before} 读作期间 {after} (a date cell read as the " \
              "period)"
HIDDEN_ROWS_SKIPPED = "跳过隐藏行 (hidden rows)"

# --- the errors copy and the rejected rows
COMMENT_AUTHOR = "jixiao 绩效"
ERROR_COLUMN = "错误原因 error"

# --- the template
EXAMPLE_NOTE = "示例行：导入前请删除 (example row: delete it before importing)"
LIST_PROMPT = "从下拉列表中选择 (choose from the list)"
LIST_ERROR = "请从下拉列表中选择 (choose a value from the list)"
NO_TEMPLATE_FORMAT = "模板格式只能是 xlsx 或 csv (the template format is xlsx or csv)"

"""One router per concern. Appeals and grades will come as routers of their own."""

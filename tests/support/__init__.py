"""What tests share: answer sets, factories, page helpers, the live-server client. Never a test module."""

"""The Telegram edge: handlers and wiring (`app`, `handlers`), what the bot says (`replies`),
the handlers' shared state (`context`), and the pace of what goes in and out (`throttle`,
`lanes`)."""

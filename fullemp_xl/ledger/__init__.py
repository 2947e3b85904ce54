"""Real-name ledgers (实名制台账): read them fast, check them, and count base data from them."""

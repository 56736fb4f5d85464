"""Date and number formats per language (FORMAT_MODULE_PATH): one date format and one date-time
format per language, used everywhere (the short names say the same), and grouped thousands."""

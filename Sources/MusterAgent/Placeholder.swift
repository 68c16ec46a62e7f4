// MusterAgent

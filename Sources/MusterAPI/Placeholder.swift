// MusterAPI

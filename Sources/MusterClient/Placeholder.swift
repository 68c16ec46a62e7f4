// MusterClient

// MusterStore

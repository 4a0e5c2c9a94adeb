// The analyst pages (being built).

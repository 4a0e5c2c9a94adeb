// The contributor page (being built).

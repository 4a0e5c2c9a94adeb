// The functions of this module are in its header.

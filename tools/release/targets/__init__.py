"""Deploy targets behind one Protocol: Modal, and an embedded local target."""

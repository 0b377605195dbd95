"""ryla-instantid: face references (InstantID, PuLID and IP-Adapter FaceID styles), fast SDXL."""

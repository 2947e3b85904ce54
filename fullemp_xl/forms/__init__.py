"""The form spec: where every field of the 考评表 and 申报表 lives, by defined name."""

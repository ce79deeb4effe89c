"""The API's services: the rules behind each route, over the store. No HTTP here."""

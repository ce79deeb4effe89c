"""One router per capability. Each route declares its permission and s.62 operation through
``linewatch.api.security.access``; the app refuses to start with a route that does not."""

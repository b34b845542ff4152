"""A community's set-up from the chat (绑定, 本群属于), its workers' scope, and the
worker-page link."""

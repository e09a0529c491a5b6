"""The registry every domain reads and extends: people and collectives, the awards they hold, their
recognised initiatives."""

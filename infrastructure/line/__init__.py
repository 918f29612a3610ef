"""Reporting through the municipality's LINE Official Account (issue 18).

- `client`: the official line-bot-sdk (v3) clients for one municipality's channel;
- `conversation`: category → photo → location → description, one step per message, with the
  state per LINE user in the cache;
- `views`: the webhook on each municipality's host (/line/webhook/): signature, replays.

Status changes go back to the reporter through infrastructure.notify.line.LineBackend (push).
"""

"""Visible ARS (보이는 ARS): the live ARS menu on the caller's phone screen, tied to the call.

* `links`: the one-time signed link sent by SMS, and the page's own cookie;
* `menu`: the page's menu tree, built from the live flow, with short KB answers on leaves;
* `service`: the room: start a session (SMS through the outbox), open the page, take a choice;
* `steer`: the gateway side: a choice made on the page steers the live call.
"""

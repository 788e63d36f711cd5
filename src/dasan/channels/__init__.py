"""Written channels on one thread model: SMS, portals/messengers, the web Q&A board.

Every written conversation is a `WrittenThread` on a consultation; outbound messages go through
the transactional outbox (`dasan.channels.outbox`); backends sit behind small ports chosen by
config (`sms/`, `messenger/`, `translation/`).
"""

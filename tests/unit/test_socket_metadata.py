"""The socket channel keeps only the classroom tablet's marker of the page's
metadata (rasa_addons/channels.py issue_signed_sessions), for the statistics."""

from rasa_addons.channels import issue_signed_sessions

SECRET = "unit-test-session-secret"


class Sio:
    """The edge: python-socketio's server, as far as the channel uses it."""

    def __init__(self, rasa_handler) -> None:
        self.handlers = {"/": {"user_uttered": rasa_handler}}
        self.emitted = []

    def on(self, event, handler, namespace=None) -> None:
        self.handlers[namespace][event] = handler

    def enter_room(self, sid, room, namespace=None) -> None:
        pass

    async def emit(self, event, data, room=None, namespace=None) -> None:
        self.emitted.append((event, data))


async def test_only_the_tablet_marker_reaches_rasa():
    received = []

    async def rasa(sid, data):
        received.append(data)

    sio = Sio(rasa)
    issue_signed_sessions(sio, None, "user_uttered", SECRET)
    await sio.handlers["/"]["session_request"]("sid-1", {})
    session = sio.emitted[0][1]
    say = sio.handlers["/"]["user_uttered"]
    await say("sid-1", {"message": "hej", "session_id": session, "metadata": {"tablet": True}})
    await say("sid-1", {"message": "hej", "session_id": session, "metadata": {"tablet": True, "name": "Amina"}})
    await say("sid-1", {"message": "hej", "session_id": session, "metadata": {"email": "a@example.se"}})
    await say("sid-1", {"message": "hej", "session_id": session})
    assert [d.get("metadata") for d in received] == [{"tablet": True}, None, None, None]

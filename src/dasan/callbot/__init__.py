"""The AI callbot (말씀으로 문의하세요): speech in, a KB answer by TTS out, or a hand-off.

* `spoken`: spoken-style questions made searchable (fillers, spacing, digits read aloud);
* `brain`: the decision on one question: answer (the chatbot's calibrated threshold) or not;
* `call`: one bot conversation on a live call (listen, STT, answer, 1/0, barge-in, hand-off).
"""

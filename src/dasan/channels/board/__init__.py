"""The homepage Q&A board (홈페이지): questions, tracking pages, answers, KB candidates."""

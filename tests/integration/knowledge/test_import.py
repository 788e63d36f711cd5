from sqlalchemy import func, select

from dasan.db.models import Agency, KbEntry
from dasan.knowledge.importer import import_seed_faq


def test_real_faq_imports_with_programs_owners_and_needs_answer(db, shared_data) -> None:  # type: ignore[no-untyped-def]
    report = import_seed_faq(db, shared_data)
    db.commit()
    civil = db.scalar(select(func.count(KbEntry.id)).where(KbEntry.source == "civilappeal"))
    assert civil == 2842
    needs = db.scalar(select(func.count(KbEntry.id)).where(KbEntry.source == "civilappeal",
                                                         KbEntry.needs_answer.is_(True)))
    assert needs == 576  # PROVENANCE: 576 rows with an empty answer
    assert report.created >= 2842
    # the [대시민용] prefix became a program, and is gone from the title's start
    prog = db.scalars(select(KbEntry).where(KbEntry.program == "기후동행카드")).first()
    assert prog is not None and not prog.title.startswith("[대시민용]")
    # district entries are owned by that district
    gc = db.scalar(select(Agency.id).where(Agency.code == "gu-11545"))
    assert db.scalar(select(func.count(KbEntry.id)).where(KbEntry.owner_agency_id == gc)) >= 157
    # seoul-120-text.csv titles no FAQ file covers come in as drafts needing an answer (its
    # answer text had digits stripped: never imported as an answer)
    drafts = db.scalars(select(KbEntry).where(KbEntry.source == "pytextbook")).all()
    assert report.title_only_drafts == len(drafts) > 500
    assert all(d.status == "draft" and d.needs_answer and d.answer == "" for d in drafts)
    # case letters (응답소 replies) are reference records: never answered by the bot
    from dasan.db.models_kbquality import KbAnswerability

    letters = db.scalars(select(KbAnswerability.verdict).join(
        KbEntry, KbEntry.id == KbAnswerability.entry_id).where(KbEntry.source == "complaint"))
    verdicts = list(letters)
    assert len(verdicts) == 261 and verdicts.count("reference") >= 250
    assert report.reference >= 250
    # the project's editor question variants (Korean, then the other languages) are on the
    # real FAQ's entries, after the entry's own question and never equal to its title
    from dasan.knowledge.editor_variants import seed_variants

    shipped = seed_variants()
    entries = db.scalars(select(KbEntry).where(KbEntry.source == "civilappeal")).all()
    assert len(shipped) == 2842
    for e in entries:
        assert set(shipped[e.external_id]) <= set(e.question_variants)
        assert e.title not in e.question_variants
    # the editors' gists of the answers are stored on the same entries, one per language
    # shipped; the other sources' entries have none
    from dasan.knowledge.editor_gists import seed_gists

    gists = seed_gists()
    assert report.with_editor_gists == len(gists) == 2842
    for e in entries:
        assert e.gists == gists[e.external_id]
    assert not any(db.scalars(select(KbEntry.gists).where(KbEntry.source == "pytextbook")))
    # re-import changes nothing
    again = import_seed_faq(db, shared_data)
    assert again.created == 0 and again.updated == 0 and again.title_only_drafts == 0


def test_service_names_decide_category_and_owner() -> None:
    from dasan.knowledge.faq_source import FaqRecord
    from dasan.knowledge.importer import owner_code, rule_category

    rec = FaqRecord("1", "기후동행카드, 환불은?", "기후동행카드", "환불은?", "답", "행정",
                    "civilappeal")
    assert rule_category(rec) == "교통" and owner_code(rec) == "city-transport"
    rec = FaqRecord("2", "(중랑 동행 사랑넷)신청 방법", None, "신청", "답", "복지", "civilappeal")
    assert owner_code(rec) == "gu-11260"  # 중랑구
    rec = FaqRecord("3", "여권 발급 서류", None, "여권", "답", "행정", "geumcheon")
    assert owner_code(rec) == "gu-11545"

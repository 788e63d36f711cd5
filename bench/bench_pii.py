"""PII benchmark (issue 12): recall and false masks of ``dasan.text.pii`` on a fresh labelled set.

Run: ``uv run --frozen python -m bench.bench_pii`` (``--split tune`` to look at the tune split).

Data (written for issue 12, realistic citizen utterances with labelled spans):

* ``bench/data/pii_v2_holdout.jsonl`` (hold-out A) - 130 items written first, before any
  tuning. It was scored once (numbers 0.971, names/addresses 0.857; peer 0.603 / 0.738); its
  misses were then *classified* and the tune split got new items of those classes, so A is
  no longer unseen and is printed for reference only.
* ``bench/data/pii_v2_holdout_b.jsonl`` (hold-out B) - 62 items written after A was scored and
  before any further tuning, never tuned on: reported.
* ``bench/data/pii_v2_holdout_c.jsonl`` (hold-out C) - 76 items (67 spans, 10 sentences with
  ordinary numbers and no personal data) written in the third round, after the tune round below
  and before the masker was run on them; never tuned on: reported with B. First score (in
  the run that also printed hold-out B's misses once, by mistake; neither was tuned on
  afterwards): numbers 0.929, names/addresses 0.800; peer 0.500 / 0.520. Its misses were then
  classified and a second tune round (18 items of those kinds, other words) was written, so C
  is no longer unseen either; nor is B's number figure, which the same fix (slash separators)
  raised from 0.964 to 1.000 after B's one number miss had been printed.
* ``bench/data/pii_v2_holdout_d.jsonl`` (hold-out D) - 71 items (61 spans, 10 sentences with
  no personal data) written after the second tune round and before the masker ran on them;
  never tuned on and never printed with ``--errors``: **the honest figure**. First score:
  numbers 0.944 (0.972 masked as some type; precision 0.971), names/addresses 0.960;
  peer 0.528 / 0.600.
* ``bench/data/pii_v2_holdout_e.jsonl`` (hold-out E) - 71 items (65 spans, 8 sentences with
  ordinary numbers and no personal data) written in one go after the fourth tune round below,
  committed, then scored once, never printed with ``--errors``: with D, **the honest figure**.
  First score (load 9.9): numbers 1.000 (42 spans, precision 1.000), names/addresses 0.870
  (23 spans: 2 names and 1 address missed); peer 0.667 / 0.652. D in the same run was
  unchanged by the fourth round: 0.944 / 0.960.
* ``bench/data/pii_v2_holdout_f.jsonl`` (hold-out F) - 77 items (74 spans: 28 names, 19
  addresses, 27 numbers of every document type; 8 sentences with ordinary numbers and no
  personal data) written in one go after the fifth tune round below, from the kinds of things
  citizens and agents say on the line, and committed before the masker ran on them; scored
  once with E, never printed with ``--errors``. First score (load 7.2, same run as E):
  numbers 1.000 (27 spans, precision 1.000), names/addresses 0.830 (47 spans, precision
  0.976: names 0.750 with 1 false mask, addresses 0.947); peer 0.704 / 0.596. E in the same
  run was unchanged by the fifth round: 1.000 / 0.870. Names/addresses miss 0.92 on both.
* ``bench/data/pii_v2_holdout_g.jsonl`` (hold-out G) - 171 items (57 numbers of every kind,
  56 names, 36 addresses; 35 sentences with look-alikes and no personal data: programme names
  such as 서울Pay, bus numbers, officials' titles, statues and street names, dates, receipt
  numbers) written in one go in the sixth session, before the recogniser was changed for the
  sixth tune round (which tunes on E and F, both looked at by then), and committed on its own.
  Names with and without 씨/님, 2-syllable names, foreign names in Hangul and Latin letters,
  spelled-out names; road and jibun addresses, 산 lots, apartment dong/ho; spoken phones,
  resident and foreigner numbers read aloud. Never tuned on, never printed with ``--errors``.
  Scored once before the sixth round (load 5.8): numbers 0.947, names/addresses 0.804 (names
  0.679, 3 false masks; addresses 1.000); peer 0.702 / 0.685. After it (load 8.7): numbers
  0.947, names/addresses 0.815 (names 0.696, 3 false masks; addresses 1.000). The round
  took E and F to 1.000 / 1.000 (F: 1 false mask, the spelled 봉 자 현 자 우 자, masked on
  purpose) and moved G's names by one: the rules fit the tune misses, not the hold-out's
  kinds. Caveat: G was written by the same session that tuned, an hour before; the rules
  were written from E and F's misses only, but the author had read G.
* ``bench/data/pii_v2_holdout_h.jsonl`` (hold-out H) - 181 items (88 names, 32 addresses, 40
  numbers; 28 sentences with look-alikes and no personal data: 김치, 이사, 정말, 구청장님,
  동장님, company and place names, 이순신 장군 동상) written in one go in the seventh session
  and committed on its own (6d1a4b1) before any code changed, then scored once at the end;
  never tuned on, never printed with ``--errors``. Names in every position: with and without
  씨/님/고객님/선생님, after 저는/제 이름은, in a letter's address block and closing (드림, 귀하),
  two-syllable (이슬, 한별), rare and two-syllable surnames (탁, 편, 옥, 남궁, 황보, 제갈, 선우,
  독고, 사공, 서문), names that are common words (김하나, 박사랑, 임태양, 백승리, 이기자),
  foreign residents' names in Hangul (뚜엉, 라흐마트, 왕웨이, 마리아 산토스). Between H and its
  score the seventh round replaced "one rule per miss" with a scored detector
  (``dasan.text.pii_name_model``: surname/given-syllable/ending/context features and kiwi's
  dictionary read offline, a logistic regression trained by ``bench/train_pii_names.py`` on
  the tune split, hold-outs A..G and generated sentences; threshold 0.6 from 5-fold CV on
  those, where rules + model had name recall 0.953 with 12 false masks). **H, the honest
  figure** (load 7.4): numbers 1.000 (40 spans), names/addresses 0.917 (120 spans, 5 false
  masks: names 0.886, addresses 1.000); peer 0.750 / 0.575. Names/addresses misses 0.92 by
  one span. The rules alone (the masker as it was before the round, measured once afterwards
  by leaving the detector out, errors not printed): names 0.670 with 3 false masks,
  names/addresses 0.758 - the detector added 0.216 to names and 2 false masks. G, now tuned
  on, moved from 0.815 to 0.913 (names 0.857, 4 false masks). Caveats: H was written by the
  same session that then wrote the detector's templates (the templates were written after H
  and are not copied from it, but the author knew H's kinds), and two foreign names
  (마리아 산토스, 왕웨이) occur in both G and H by coincidence - G's items were not read
  before H was written, only its first and last lines.
* Eighth round (all of A..H seen; a fresh hold-out I, written blind by someone else, is scored
  by the lead only): the honest in-house measure is now **leave-one-hold-out-out**
  (``python -m bench.train_pii_names --loho``: the detector trained without one of A..H, that
  one scored with the whole masker). Before the round (the seventh round's recipe): names
  0.920 over A..H with 15 false masks, G 0.821, H 0.886 (names+addresses 0.917); candidate
  recall 0.980. After (name-free real text from ``../shared/data`` as negatives, wider
  templates, foreign residents' names of one to three words as candidates, countries, places
  and statues never a name, no spelled name without a given-name syllable): names 0.960 with
  13 false masks, G 0.911, H 0.966 (names+addresses 0.975); candidate recall 1.000; the same
  within 0.01 for two other seeds of the generated sentences. The rules alone: G 0.696, H
  0.670. Caveat: the round's templates and blocks were written after reading G and H's misses
  (in other words), so G and H's leave-one-out figures are optimistic; A..F are near 1.000
  either way because the rules were tuned on them. On real text never trained on, name spans
  fell from 67 to 18 per 4,000 paraKQC requests and from 63 to 34 per 2,759 KorSTS test
  sentences (some of those are real names: 오바마, 맥도넬 씨). Threshold 0.6 from 5-fold CV
  (recall 0.974, 22 false masks; 0.7: 0.963 / 17). Cost (``--speed``, load 8.5): CPU x1.57 /
  x1.53 of the rules alone on the two corpora (before the round, same session: x1.32 / x1.36).
* ``bench/data/pii_v2_holdout_i.jsonl`` (hold-out I) - 217 items (193 spans: 105 names, 41
  addresses, 47 numbers - 15 phones, 5 resident, 3 foreigner, 3 passport, 2 licence, 2
  business, 2 health-insurance, 3 card, 6 account, 4 e-mail, 2 car plates; 35 sentences with
  look-alikes and no personal data) written in one go on 2026-12-04 (session 11) by a helper
  that was not tuning the masker, and committed on its own (feede47) before the masker ran on
  it. **Written blind: the author never read the masker** (``dasan.text.pii*``, the name
  detector, ``bench/train_pii_names.py``, the PII tests or ``bench/pii_peer_v1.py``), read
  only the first 3 lines of G and H and this docstring for the kinds, and wrote new wording
  and names. Names in every position (저는/제 이름은/성함은, 씨/님/고객님/선생님/학생/어르신,
  relatives, 드림/올림/귀하 blocks, after a dash or Q./A.), two- and four-syllable names,
  rare and compound surnames (견, 계, 옹, 동방, 사공), names that start like a word
  (정보람, 민원석, 임대호, 조금순, 한강희, 김장미, 주민지), names with a space inside or spelled
  syllable by syllable, foreign residents' names in Hangul and Latin letters; road (가길,
  나길, 번길), jibun and 산 addresses, apartment 동/호, partial ones (연남동 해오름빌라 201호);
  numbers with hyphens, spaces, dots, spoken digits and 하고/의/에/다시 between groups.
  Look-alikes: 정말, 이사, 김장, 조금, 한강, 박물관, 통장님, bus numbers, receipt numbers,
  세종대로 110 (city hall), an office's main number, historical figures (김구, 윤동주, 허준).
  No value or text occurs in an earlier data file (checked by script). Scored twice by the
  lead, never printed with ``--errors`` and never shown to whoever tunes the masker: once with
  the masker as it was before the eighth round (load 6.6): numbers 0.957 (email 3/4, car
  plate 1/2), names/addresses 0.753 (names 0.714 with 5 false masks, addresses 0.854); peer
  0.596 / 0.466; and once after it (load 7.6): numbers 0.957, **names/addresses 0.836**
  (names 0.829 with 4 false masks, addresses 0.854); peer 0.596 / 0.466. **The honest
  figure: neither target is met on text written blind.** H in the same first run: 1.000 /
  0.917 - a hold-out written by the tuning session overstates names by about 0.2.
* ``bench/data/pii_v2_tune_k.jsonl`` (set K) - 321 items (161 names, 61 addresses, 71 numbers;
  50 look-alike sentences) written blind for tuning in session 12 by a helper that never read
  the masker (h-12w, c428238). Scored once before any change made from it (the number forms of
  the ninth round's first commit, written from probes before K arrived, changed nothing on it):
  **numbers 0.930** (rrn 4/7, foreigner 3/4, phone 21/22), **names 0.621 with 16 false masks**,
  addresses 0.984, names+addresses 0.721; peer 0.662 / 0.410. Split by position: **K2** (every
  third item from the third, 107 items, 56 names) is kept back - scored, never printed with
  ``--errors`` (refused) and never used to choose a threshold; **K1** (the rest) was looked at
  and tuned on. Ninth round, from K1's misses, generalised: names in Latin letters standing
  alone in Korean text, a Korean name after an unknown word stays a candidate, foreign names
  after 일하는/사는/직원, given names said with 이 (나윤이가), names in a list, X(이)라는 분,
  the speaker after a greeting, titles after a name; partial and half 주민번호 after a cue;
  e-mail and plate forms; templates and look-alikes in ``bench/train_pii_names.py``.
  Leave-one-set-out (``train_pii_names --loho``, the detector trained without the set; K1 and
  K2 are sets of their own; load 4.2): names over A..H+K1+K2 0.832 (25 false masks) before the
  round, 0.929 (24) after; **K2 0.571 -> 0.750** (names+addresses 0.688 -> 0.818; candidate
  recall 0.786 -> 0.929): the honest figure of the round, still short of 0.92. K1 (tuned on)
  0.638 -> 0.924; G 0.946 -> 0.964; H 0.966 -> 0.955. 5-fold CV without K2: 0.974 recall, 32
  false masks at the threshold 0.6 (0.5: 0.977 / 36). K whole after the round (tuned on, no
  longer blind): numbers 0.986, names 0.901 (11 false masks), addresses 1.000. On 6,758
  unseen paraKQC/KorSTS sentences, name spans rose from 46 to 60 (about 20 are real names:
  오바마, 조수미). Cost (``--speed``, load 4.2): CPU x1.49 / x1.53 of the rules alone.
* ``bench/data/pii_v2_holdout_j.jsonl`` (hold-out J) - 225 items (204 spans: 106 names, 47
  addresses, 51 numbers - 17 phones, 5 resident, 2 foreigner, 2 passport, 2 licence, 2
  business, 2 health-insurance, 2 card, 5 account, 7 e-mail, 5 car plates; 35 sentences with
  look-alikes and no personal data) written by the same helper right after K, the same broad
  mix with other names and other sentences, and committed on its own (52b33a9) before the
  masker ran on it. **Written blind, never shown to a tuner**: scored by the lead only, never
  printed with ``--errors``. No value or text occurs in K or an earlier data file (checked by
  script).
* ``bench/data/pii_v2_tune_l.jsonl`` (tune set L) - 407 items (354 names, 43 other spans; 71
  look-alike sentences) written blind for tuning in session 12 by another helper that never read
  the masker (h-12v, df70883): names above all, in every position and shape. Left out first
  (``bench.train_pii_names --loho --threshold 0.6``): names 0.774, 16 false masks, candidate
  recall 0.890. The candidate step was then widened from L's misses as general rules (h-12q:
  particles 까지/처럼/부터/더러/이며/한테서, a word before 님/할머니/아저씨, 다운이가-style given
  names, the second of two names after 이랑/하고, an unknown word opening a message, names spelled
  with dots/hyphens/spaces before 이렇게/글자/이름, Latin names in a comma list, before "here"
  and alone before 라고 합니다): L left out 0.850, 11 false masks, candidate recall 0.980
  (somewhat optimistic: the rules and some generated sentences were written from L's misses);
  K2 (kept back, aggregate only) 0.750 -> 0.804 (2 -> 2 false masks; candidate 0.929 ->
  0.946); all sets left out 0.854 / 40 -> 0.899 / 33 (candidate 0.944 -> 0.987). Cost
  (``--speed``, load 3.5): CPU x1.55 / x1.54 of the rules alone (before: x1.53 / x1.52, same
  session).
* ``bench/data/pii_v2_tune_m.jsonl`` (tune set M) - 452 items written blind for tuning in
  session 13 by a helper that never read the masker, its tests or its trainer (h-12w, a9d697a),
  and committed on its own before anything ran on it. First 246 items, numbers: 201 spans -
  64 phones (hyphens, dots, spaces, slashes, parentheses, +82, 070/011/016, spoken digits with
  공/영/빵 and native 하나 둘 셋, 에/의/다시/쩜/하고 between groups, corrections inside the span),
  23 resident (whole, front half, front + first back digit, masked, spoken), 8 foreigner, 17
  passport (Korean old and new format, letter by letter; Vietnamese, Chinese, Mongolian, US,
  Philippine, Uzbek), 9 licence (region name or code), 8 business, 9 health-insurance (any
  grouping), 9 card (masked, spaced, spoken), 21 account (a dozen banks' groupings), 18 e-mail
  (spoken 골뱅이/앳/닷컴, odd domains), 15 plates (old and new, region, spaced, read aloud);
  56 of them with look-alikes only (receipt, complaint, bill, meter, bus and stop numbers,
  amounts, dates, 동/호 alone, postcodes, public offices' and companies' numbers, the last four
  digits of a phone or card). Last 206 items, names: 167 names (mid-sentence, particles, lists,
  children's given names, landlords, neighbours, officials, foreign residents in Hangul and
  Latin letters, compound surnames, names that are words, spelled names), 15 addresses, 1
  phone; 50 look-alikes (titles, programmes, places, historical figures, 홍길동 as a form's
  example, words that start with a surname syllable). No value or text occurs in an earlier
  data file (checked by script). **Scored once before any change made from it** (load 0.3):
  numbers 0.827 (12 false masks: office lines, a longer bill number), names 0.784 (17),
  addresses 1.000, names+addresses 0.802; peer 0.535 / 0.286. Split by position like K:
  **M2** (every third item from the third, 150 items: 67 numbers, 51 names) is kept back -
  scored, never printed with ``--errors`` (refused), never trained on (``KEPT_BACK`` in
  ``bench.train_pii_names``) and never used to choose a threshold; **M1** (302 items) was looked
  at and tuned on. Before the round: M1 0.844 / 0.784, **M2 numbers 0.791, names 0.784**
  (names+addresses 0.804). Tenth round, from M1's misses, generalised and probed with new
  wordings: phones read in native numerals, with 쩜 or a correction inside (the group before
  아니/잠깐만요 is dropped); an office's landline (구청 대표번호, 센터 팩스, 관리사무소, a
  department, 담당 주무관, ... 이 다산 맞아요?) is no personal data, a mobile always is; 주민번호
  halves in every position (right after the cue, 앞부분, the other half later, front + first
  back digit with 다시/뒤에/뒷자리 첫 번째, masked backs, six spoken digits); every passport
  shape after 여권 (1-2 letters and 6-9 digits, nine digits, a character at a time, spoken with
  any letter); 건보/피보험자/의료급여 and 장기요양 numbers; a kind named after the number; masked
  and 4-6-4 cards; spoken cards with 카드 after them; a bus's plate is no one's. Names: quotes
  after a cue, a found name spelled again (허 다 인, jamo), no common word after a cue, a form's
  example name stays, more endings and naming cues, lists with spaces, foreign names of four
  words, a Latin name after Ms./Mr.; the detector trained with M1 and new templates (bare
  subjects and objects, titles before names) and look-alike frames filled with frequent words
  of a name's shape; threshold 0.6 kept (5-fold CV 0.923 / 44 false masks; 0.5 gave 0.944 /
  55 but 771 instead of 592 name spans on real text). **After (load 5-6): M2 numbers 0.881 (2
  false masks), names 0.902 (7), names+addresses 0.911** - the figure of the round; neither
  target is met on M2. Caveat: M2's per-type table was looked at once mid-round (numbers 0.866)
  and its aggregate is printed by every ``--loho`` run; no rule was written from it. Leave-one-
  set-out (``train_pii_names --loho --threshold 0.6``): before the round K2 0.804 (2 false
  masks), L 0.850 (11); the same code with M1 added to training K2 0.821 (1), L 0.859 (12), M1
  0.784 (11), all 0.885 / 51; after the round K2 0.804 (0), L 0.864 (10), M1 0.888 (7), M2
  0.902 (7), all 0.905 / 43; candidate recall 0.980 -> 0.988. On 51,939 real texts from
  ``../shared/data`` (120 FAQ, paraKQC, KorSTS, chatbot): phone spans 567 -> 273 (office
  lines), name spans 672 -> 592. Cost (``--speed``, load 6-9): CPU x1.49 / x1.53 of the rules
  alone (172 vs 115 us a citizen message, 2,852 vs 1,866 us an SMS body); the whole mask() about
  7-10% more CPU than before the round (same run, alternating).
* ``bench/data/pii_v2_holdout_r.jsonl`` (hold-out R) - 495 items (425 spans: 130 numbers, 258
  names, 37 addresses; 133 items without personal data: look-alike numbers, shop, place and
  programme names, titles, ordinary words) written in session 15 by a helper that never read
  the masker (it read this docstring, the scorer and the type-label lines), names and addresses
  above all. Its brief called it a tune set; no tuner was told of it, and the lead keeps it as a
  hold-out: never printed with --errors, never trained on.
* ``bench/data/pii_v2_holdout_p.jsonl`` (hold-out P) - 469 items (384 spans: 226 numbers of
  11 types - 77 phones, 30 resident, 11 foreigner, 12 passport, 8 licence, 9 business, 7
  health-insurance, 12 card, 19 account, 18 e-mail, 23 car plates; 131 names, 27 addresses; 116
  items without personal data: look-alike numbers and words) written in session 14 by a helper
  that never read the masker (it read the scorer and this file's type-label lines), as a whole
  day at the 120 centre would bring, every channel and register. The lead's only; never printed
  with --errors.
* ``bench/data/pii_v2_holdout_n.jsonl`` (hold-out N) - 464 items (434 spans: 260 numbers -
  79 phones, 34 resident, 13 foreigner, 13 passport, 11 licence, 12 business, 11
  health-insurance, 18 card, 22 account, 23 e-mail, 24 car plates; 143 names, 31 addresses; 72
  items with look-alikes and no personal data) written in one go in session 13 by a helper that
  never read the masker (h-12h, dda20ed; the commit message says 73 look-alike items, 72 is
  right), to tell number recall 0.96 from 0.98. First 290 items numbers: phones in every shape
  (dots, spaces, slashes, ㅡ, full-width, parentheses, +82, letter O for zero, spoken digits with
  에/의/다시/대시 and self-corrections inside the span), 주민번호 whole, front half, front half
  with the first back digit, masked (``-4******``), spoken; foreigner numbers; Korean and foreign
  passports read letter by letter; licences with a region word; cards partly masked; accounts
  with the bank's name; e-mail spoken (골뱅이, 닷컴, at/dot, 언더바) and odd domains; new, old
  and spoken car plates. Look-alikes, with and without personal data beside them: 접수/민원/
  납세/납부 numbers, meters, bus and line numbers, amounts, dates, 동 or 호 alone, postcodes,
  offices' and companies' numbers, the last four digits of a phone alone. Last 174 items: names
  mid-sentence, with particles, in lists, children's, landlords', neighbours', officials', four-
  and two-syllable, compound surnames, names that are words (오로라, 강바다, 새벽, 마음),
  spelled (모, 재, 헌 / 조 아 라), foreign residents' in Hangul and Latin; road, jibun, 산,
  apartment and spoken addresses; look-alikes (김장, 세종대왕 동상, 노을공원, 홍길동 as the
  form's example). **Written blind, never shown to a tuner**: scored by the lead only, never
  printed with ``--errors``. No value of two characters or more and no text occurs in an
  earlier data file (checked by script).
* ``bench/data/pii_v2_tune_o.jsonl`` (tune set O) - 439 items written blind for tuning in
  session 14 by a helper that never read the masker (201 numbers: 78 phones, 19 resident, 10
  foreigner, 13 passport, 17 plates, 17 accounts, 15 e-mail, 10 cards, 8 licence, 8
  health-insurance, 6 business; 159 names, 29 addresses; 112 items with no personal data), with
  phone transcripts, spoken numbers and spelled names, SMS, elderly callers and foreign residents
  above all; committed on its own (e2ec53c). **Scored once before any change made from it**
  (the masker of 0303fb0, load 7.4): **numbers 0.891** (2 false masks; 주민번호 0.632, plates
  0.765, e-mail 0.867, phones 0.949), **names 0.711 (19 false masks)**, addresses 0.862 (3),
  names+addresses 0.734 (22); peer 0.527 / 0.282. The number round written from probes before O
  arrived (79e30b2, O unseen) moved it to 0.896 / 0.734. Split by position like K and M: **O2**
  (every third item from the third, 146 items: 65 numbers, 49 names, 10 addresses) is kept back
  - scored, never printed with ``--errors`` (refused), never trained on (``KEPT_BACK``) and never
  used to choose a threshold; **O1** (293 items) is looked at and tuned on. Before: O1 0.904 /
  0.736, **O2 0.862 / 0.729**, M2 0.881 / 0.911. Eleventh round (session 14), from probes of
  new wordings and O1's misses, written as families: a 주민번호 read in any grouping a few words
  after its name or 생년월일, halves joined by several words, front half + first back digit in
  every position; any document number read aloud in odd groups, counted after the word naming
  it; plates read a digit at a time, in pairs, as numbers (이십육 하 오천이백삼십일) or after more
  vehicle words; passports with grouped digits; the letter O for a zero, mobiles' groups said as
  numbers, local numbers said after a phone word, one's own line named after an office word.
  Names: two context features of the detector (a naming word shortly before; the name said
  again, spelled or by its given name), spelled-then-said names, 자-spelling in more shapes,
  Latin letters spelled after a cue, Latin names after 성은/저 and English cues, a title before
  each name of a list; an address's numbers read aloud (삼양로 오십구 길 이십이); the detector
  retrained with O1 (O2 and M2 kept back; threshold 0.6 kept by 5-fold CV: 0.914 / 50 false
  masks, 0.5: 0.935 / 64 and 27% more name spans on real text; templates written from O1's
  misses were tried and left out - they lowered L and K1 left out of training). **After (load
  2.7-3.5): O2 numbers 0.877 (1 false mask), names 0.735 (7), addresses 0.800, names+addresses
  0.746 (9); M2 numbers 0.925 (2), names 0.941 (7), names+addresses 0.946 (8)** - the O1 rules
  and the retraining fit O1 (0.904 / 0.736 -> 1.000 / 0.930) and moved O2's names by nothing:
  O2's misses are other kinds. O whole 0.960 / 0.872 (tuned on, no longer blind). Real text
  (53,301 FAQ, paraKQC, KorSTS, chatbot lines): number and address spans unchanged, name spans
  543 -> 537. Cost (``--speed``, load 2.7-3.5, same session): CPU x1.55 / x1.61 of the rules
  alone (before x1.47 / x1.53); the whole mask() about 200 vs 170 us a citizen message and
  3,600 vs 2,780 us an SMS (noisy: best of 5).
* ``bench/data/pii_v2_tune_q.jsonl`` (tune set Q) - 450 items written blind for tuning in
  session 15 by a helper that never read the masker (289 numbers: 76 phones, 63 resident and 25
  foreigner numbers in every shape - read aloud, halves apart, no name said - 22 passports, 25
  plates, 23 accounts, 16 e-mail, 11 licences, 10 health-insurance, 9 business, 9 cards; 124
  names, 15 addresses; 81 items with no personal data), committed on its own (7c1935c).
  **Scored once before anything was learnt from it** (load 5.9): the masker as the session
  began (d9a7b0c) numbers 0.855 (rrn 0.651, foreigner 0.800), names 0.887, names+addresses
  0.899; with the twelfth round's families written before Q arrived (below) numbers 0.896 (rrn
  0.810, foreigner 0.920; 7 false masks), names 0.895 (8), names+addresses 0.906; peer 0.433 /
  0.353. Split by position like O: **Q2** (every third item from the third, 150 items: 92
  numbers, 40 names) kept back - scored, never printed with ``--errors``, never trained on;
  **Q1** (300 items) looked at.
* Twelfth round (session 15). Before Q: the resident-number family as one recogniser
  (``dasan.text.pii_rrn``: digit runs - written, sino-Korean, native - put together as people
  split the number: any grouping, halves joined by a word or a filler, halves in two sentences
  or read back, a corrected first try, front half + first back digit, a half alone after
  앞/뒷자리; the back's first digit decides rrn vs foreigner), passports, plates, licences and
  business numbers read aloud as families (``dasan.text.pii_read_out``), case/bill/document
  numbers named up to 24 characters back kept from phones and accounts; names: a candidate at
  0.75 of the threshold after where a foreign resident comes from or before a letter's
  closing, Vietnamese names by their middle name. Two grammars of how the numbers are said
  (``bench/pii_rrn_shapes.py``, ``bench/pii_document_shapes.py``, with look-alikes) measure the
  families: rrn shapes 0.66-0.76 -> 1.000, documents 0.28-0.77 -> 0.97-1.00 (our own
  grammars: optimistic). After Q1 (as families, not one rule per miss): a half named with no
  number's name, thirteen digits said with no name (a reply, an agent reading back), the cue
  naming the front half, phones joined by 그 다음, partial mobiles, licences said as numbers,
  cards with 다음에/마지막, role addresses of public offices; names: form fields (신고인, 대상
  아동), English self-introductions and signatures, a rule's name inside an ordinary word
  dropped. Kept back, aggregates: **O2 numbers 0.877 -> 0.938, names 0.735 -> 0.776
  (names+addresses 0.746 -> 0.780); M2 0.925 -> 0.970 / 0.941 (0.946); Q2 0.902 -> 0.913 /
  0.975 (0.978)** - the Q1 rules moved Q2's numbers by one span: Q2's misses are other
  kinds. Q1 (tuned on) 0.893 / 0.857 -> 0.985 / 0.929. The aggregates of O2 and M2 were looked
  at after each step; twice a rise in their false masks was traced by reasoning, not by
  printing them (a foreigner's cue over a Korean number: the back digit decides now; a front
  half alone after a half-cue). Real text (76,156 FAQ, complaint, chatbot, paraKQC lines): 1
  number span from the new recognisers (a real 사업자 등록번호), name spans unchanged. The name
  detector retrained with Q1 was tried and left out (M2 names 0.941 -> 0.922, O1 0.927 ->
  0.918; Q2 unchanged). Accounts read in odd groups (``pii_read_out.accounts``) and phones whose
  last digit is said alone before its particle came last, from quick grammars of bank
  groupings (0.62 -> 0.98) and phone readings (0.955 -> 0.985); they moved no kept-back
  aggregate. Cost (``--speed``, load 7.5-9.5, CPU): the name model x1.36 / x1.53 of the rules
  alone (citizen messages / SMS bodies); the number families x1.13 / x1.13 of mask() without
  them; the whole mask() 242-254 vs 224-234 us a citizen message and 4,280-4,300 vs
  3,740-3,800 us an SMS body against the masker at the session's start (alternating runs, best
  of 3).
* ``bench/data/pii_v2_tune_s.jsonl`` (tune set S) - 452 items written blind for tuning in
  session 16 by a helper that never read the masker (246 names, 47 addresses, 186 numbers: 61
  phones, 22 resident, 13 foreigner, 18 accounts, 16 plates, 14 passports, 14 e-mail, 9 cards, 7
  health-insurance, 6 licences, 6 business; 104 items with no personal data), copied from the
  writer's file once it stopped growing and committed on its own (6ffaebf). **Scored first,
  before anything was learnt from it** (load 7.9), with the masker of the session's start
  (6f5da87) and with the session's first three steps (name and address families written from
  probes before S arrived; both with the echo-aware scorer): numbers 0.935 both (rrn 0.909,
  phone 0.902, account 0.833, e-mail 0.929; 9 false masks), **names 0.793 -> 0.809** (18 -> 17
  false masks), **addresses 0.809 -> 0.851**, names+addresses 0.795 -> 0.816; peer 0.495 /
  0.338. Split by position like K, M, O and Q: **S2** (every third item from the third, 150
  items: 59 numbers, 80 names, 16 addresses) is kept back - scored, never printed with
  ``--errors`` (refused), never trained on (``KEPT_BACK``); **S1** (302 items) is looked at.
  S2 first: numbers 0.915, names+addresses 0.760 -> 0.792 (names 0.775 -> 0.800, addresses
  0.688 -> 0.750). Thirteenth round (session 16), as families, from probes written before S
  and from S1's misses: names - a found name said again whole or by its given name (after a
  title, with 이/아/씨 or a particle), a word said alone and again behind a surname (나비예요,
  주나비), a name after a title, role or membership word where a clause or signature ends
  (센터장 방수아, 총무 길순자,), before an age in brackets (조명숙(63)씨), titles after a name
  with 님 (관장님), a foreign name in Hangul with its Latin spelling in brackets, two or three
  Hangul words after 성함은, a Latin name said again, given syllables spelled (수 진, 맹수진);
  addresses - lettered wings (B동 302호), 고시원/원룸 rooms, a lot said apart from its 동, a
  complex's block with no 호, 동 then 7가, 이로 before a numbered 길; numbers - a phone read in
  groups with fillers or a group taken back between, a Seoul home line said 이 다시 ..., a birth
  date named as the front half (생년월일 앞 여섯 자리), an office line said to be one's desk;
  look-alikes - placeholders (000000-0000000), a public place's main line, a name-shaped word
  before 과학관/작은도서관. The scorer counts a repeat of a gold value as an echo, not a false
  mask (``bench.pii_scoring``). Kept back, before -> after (load 7-10; the echo-aware scorer
  on both sides): **S2 numbers 0.915 -> 0.915, names 0.775 -> 0.863, addresses 0.688 ->
  0.750, names+addresses 0.760 -> 0.844 (9 -> 7 false masks); O2 0.938 -> 0.969, names 0.776
  -> 0.776, addresses 0.800 -> 0.900 (0.780 -> 0.797, 8 -> 8); M2 0.970 -> 0.970, 0.946 ->
  0.946 (7 -> 7); Q2 0.913 -> 0.913, 0.978 -> 0.978 (0 -> 0)**. S1 (tuned on) numbers 0.945
  -> 0.992, names+addresses 0.795 -> 0.954; S whole (half tuned on) 0.935 -> 0.968 / 0.795 ->
  0.918 (names 0.919, addresses 0.915). The name detector retrained with Q1 and S1 was
  tried and left out: no kept-back set moved (O2 one false mask fewer, Q2 one more) and it
  dropped a Q-round form (한지민 배상). Real text (88,913 FAQ, complaint, chatbot, paraKQC and
  bank-call lines): name spans 466 -> 476 (texts with a name span 456 -> 456: the new spans
  are repeats of words the detector already took for names in the same texts), address 235
  -> 237, numbers unchanged. Cost (``--speed``, load 6.8-8.5): CPU x1.39 / x1.51 of the rules
  alone (citizen messages / SMS bodies); the whole mask() about 288 vs 256 us CPU a citizen
  message and 4,850 vs 4,490 us an SMS body against the masker at the session's start.
* ``bench/data/pii_v2_tune_t.jsonl`` (tune set T) - 457 items written blind for tuning in
  session 17 by a helper that never saw the masker (169 names, 53 addresses, 161 numbers: 51
  phones, 17 resident, 8 foreigner, 12 passports, 6 licences, 6 business, 7 health-insurance, 8
  cards, 15 accounts, 10 e-mail, 15 plates; 150 items with no personal data), copied once it had
  stopped growing and committed on its own (b3af135). **Scored first, before anything was learnt
  from it** (load 3.9; the masker of main, cc9a537 - the branch gave the same spans on every
  item): **numbers 0.968** (3 false masks: phone 0.961, card 0.875, plate 0.933, passport 0.917,
  the rest 1.000), **names 0.867 (19 false masks), addresses 0.925 (5), names+addresses 0.881
  (24)**; peer 0.516 / 0.389. Split by position like S: **T2** (every third item from the third,
  152 items: 53 numbers, 61 names, 18 addresses) is kept back - scored, never printed with
  ``--errors`` (refused), never trained on (``KEPT_BACK``); **T1** (305 items) is looked at. T2
  first: numbers 0.943, names 0.869 (5), addresses 0.889 (2), names+addresses 0.873 (7).
* Fourteenth round (session 17), as families, from T1's misses and false masks and from probes
  in new words (about 330 probe sentences with look-alikes, not committed): names - a given name
  called out (수현아) or before its parent (연우 아빠, proper nouns only), a foreign resident's
  one-word Hangul name after a person's word (외국인 학생 바트자르갈이), a Latin first name said as
  a person (친구 Aziz가), one to three unknown Hangul words after an origin and a person's word
  (필리핀 사람 로웰 산토스가), a whole name after its surname said alone (탁 씨였어요 탁윤성), a
  numbered roster, a household list with roles in brackets, two called given names joined, a
  name closing a message after an address, elderly and dialect endings read as standard ones
  (김말순이여, 정미자인디; no retraining), a romanised name after 영문으로; no person in a
  memorial (윤봉길 의사 기념관), a pet's name, a form's example line, 본인 명의, 여씨. Addresses -
  a bare block and flat with no complex named stay (every blind writer left them unlabelled), a
  lot number after its word (번지는 174-6), Latin-letter addresses (34-2 Hoegi-ro, Dongdaemun-gu),
  a villa's floor (망원동 새싹빌라 2층), a building number read aloud after its 길; a station (을지로
  3가역) and an office's address with its name beside it stay. Numbers - written mobile groups
  joined by words (010에 3821 그리고 마지막이 7765), an account's spoken tail not a phone, a
  virtual account and a certificate's number stay, role e-mail at an organisation's domain
  stays, an old plate before 택시, a birth date then the first back digit after fillers. Kept
  back, before -> after (load 2-6): **O2 numbers 0.969 -> 0.969, names 0.776 -> 0.837 (6 -> 5
  false masks), addresses 0.900 -> 1.000, names+addresses 0.797 -> 0.864 (8 -> 6); M2 0.970 ->
  0.985, 0.932 -> 0.932 (7 -> 5); Q2 0.913 -> 0.924, 0.979 -> 0.979 (0 -> 0); S2 0.915 ->
  0.915, names 0.856 -> 0.867, addresses 0.750 -> 0.812, 0.840 -> 0.858 (7 -> 6); T2 0.943 ->
  0.943, names 0.869 -> 0.885, addresses 0.889 -> 0.944, 0.873 -> 0.899 (7 -> 6)**. T1 (tuned on)
  0.980 -> 1.000 / 0.884 -> 0.959; T whole 0.968 -> 0.981 / 0.881 -> 0.938 (24 -> 14 false
  masks); L 0.917 -> 0.937, O1 0.947 -> 0.985 (tuned on before). Later in the round: a
  surname said apart (남궁 옥분, 이 나탈리야 님), 외자 names, family members named in turn,
  an elder's given name before 할아버지, a department before an official's title, community and
  care roles and a roster's 명단에 as naming cues (S2's names 0.856 -> 0.867 came from these). Twice a kept-back aggregate guided a narrowing (T2's false masks for the parent rule,
  O2 and T2's names for the resident-word filter); the errors were not printed. Tried and left
  out: stem features of the words around a candidate (leave-one-set-out 0.920 / 59 -> 0.918 /
  65), the detector retrained with Q1, S1 and T1 (O2 +1 name, Q2 +1 false mask, three tests
  broke), given names that are words with 이가 (여름이가: nouns of that shape a dictionary misses,
  곰팡이가), dictation cues. Real text (54,763 FAQ, complaint, chatbot and paraKQC lines): name
  spans 459 -> 416 (two-syllable words after a cue), address 234 -> 231 and one e-mail fewer
  (public offices), two names added (혜진아, 기철아). Leave-one-set-out (``train_pii_names --loho
  --threshold 0.6``, T1 and T2 now sets of their own): names over all sets 0.923 with 61 false
  masks (1,679 names), candidate recall 0.981 (measured mid-round). Cost at the round's end
  (``--speed``, load 1.9-2.2, CPU): the name model x1.36 / x1.53 of the rules alone (citizen
  messages / SMS bodies); the whole mask() 273 vs 244 us a citizen message and 4,855 vs 4,467 us
  an SMS body against main's masker (cc9a537), alternating runs, best of 3 (+12% / +9%). Also
  later in the round: 라고 합니다 after a common-word head (국민서라고 하는데요), a spoken
  phone group ending in 에요, a local number's shape followed by more digits is no phone, e-mail
  told as ID then service (메일 yuna_kim 이고요 네이버예요), a passport letter then a filler.
* ``bench/data/pii_v2_tune_u.jsonl`` (tune set U) - 453 items written blind for tuning in
  session 18 by a helper that never saw the masker, numbers above all (304 number spans: 103
  phones, 64 resident, 16 foreigner, 24 accounts, 17 cards, 16 plates, 14 e-mail, 13 passports,
  13 health-insurance, 12 licences, 12 business; 141 names, 31 addresses; 122 items with no
  personal data), copied once it had stopped growing (two line counts two minutes apart) and
  committed on its own (4690909). **Scored first, before anything was learnt from it** (load
  0.8; the masker of main, 73b4b3c): **numbers 0.905** (4 false masks: phone 0.864, card 0.765,
  account 0.875, plate 0.875, health-insurance 0.846, business 0.917, e-mail 0.929, rrn 0.969),
  **names 0.901 (20 false masks), addresses 1.000, names+addresses 0.919 (21)**; peer 0.454 /
  0.483. Split by position like T: **U2** (every third item from the third, 151 items: 98
  numbers, 49 names, 14 addresses) is kept back - scored, never printed with ``--errors``
  (refused), never trained on (``KEPT_BACK``); **U1** (302 items) is looked at. U2 first:
  numbers 0.929 (0 false masks), names+addresses 0.937 (7). Caveat: the first-score and
  end-of-round runs printed U2's per-type table with its aggregates (phone 0.893, plate 0.750,
  account 0.875, e-mail 0.800 both times); no rule was written from it.
* Fifteenth round (session 18), as families, from U1's misses and false masks and from about
  330 probe sentences in new words (phones, resident numbers, documents, e-mail, plates, in
  transcripts, chats, dialect and English; look-alikes; not committed). Numbers first
  (``dasan.text.pii_said_again``): a mobile gathered across the words a caller puts between its
  groups (공일공 팔 팔 팔 사 그 다음이 뭐였더라 일 공 이 구; 공. 일. 공. ...; one group a line; over
  the turns of a transcript, 고객: 010-4421 / 고객: 7789), a group taken back inside it (칠칠 아
  칠칠팔팔) or begun and said again longer (칠칠 칠칠팔이) counted once; a landline said so after a
  word for a phone; a mobile in English digit words; a said number read back (the found
  number's type: an account read back in syllables) or a group of five digits or more said
  again after a slip (죄송합니다 팔이일오 사칠일팔; 아 헷갈려 일이일팔오칠공), within two digits of
  what it corrects; a document number in named parts of nine digits or more (건강보험증 번호 앞
  다섯 자리 ... 뒤 여섯 자리 ...); a 주민번호 front half said in groups joined by 에/다시
  (칠팔에 공이에 이팔), 여섯 자리 after the number's name naming the front half; a passport of
  digits only right after 여권/passport (Nepal, Russia, US); document numbers in written groups
  joined by a word (5 다시 3021948817); a mail service said alone as the domain (... 골뱅이
  네이버), a service then the ID (메일은 네이버고 아이디는 ...); a plate after a car pointed at (이
  차 팔구 소 이이삼삼). Look-alikes: a company's free line (080, 0505) is no account; public
  places (도서관, 복지관, 경로당, 어린이집) name an office's landline; digits named as a bill's before
  입금 are no account; a licence's shape inside a longer number; a conditional ending (않으시면)
  as a township. Names: a person named by a role (a chat speaker's label 상담사 금다인:, 판매자
  예상헌한테, 요양보호사 X 씨; three syllables), English name cues (name is, ``, name Zhang
  Wei``, Name X Y in a form line), one's own name of foreign words with no particle (제 이름
  라흐마노바 딜노자,); a date said aloud and a form's field with 에 (성명 란에) are no name.
  Tried and left out: a card's or phone's last four digits alone, and a masked mobile
  (010-****-7721) - U's writer labels them, five earlier writers (M, O, Q, S, T) leave them
  unlabelled, and they added a false mask on each of M2, Q2, S2 and T2 (S2 for the masked
  mobile) with no kept-back recall; a slip's group of four digits (one false mask on U2). Kept
  back, before -> after (load 1-4): **O2 numbers 0.969 -> 0.969 (1 -> 1 false mask),
  names+addresses 0.864 -> 0.864 (6 -> 6); M2 0.985 -> 0.985 (1 -> 1), 0.932 -> 0.932 (5 ->
  5); Q2 0.924 -> 0.946 (3 -> 2), 0.979 -> 0.979 (0); S2 0.915 -> 0.932 (4 -> 4), 0.858 ->
  0.858 (6 -> 6); T2 0.943 -> 0.981 (0 -> 0), 0.899 -> 0.899 (6 -> 6); U2 0.929 -> 0.929 (0 ->
  0), names 0.918 -> 0.939, names+addresses 0.937 -> 0.952 (7 -> 7)**. U1 (tuned on) numbers
  0.893 -> 0.966 (4 -> 1 false masks), names+addresses 0.908 -> 0.972 (14 -> 12); U whole 0.905
  -> 0.954 / 0.919 -> 0.965. U1's numbers left: the tails above, and a mobile of thirteen
  digits. Real text (``python -m bench.pii_real_text``: 62,085 FAQ, complaint, 120 text book,
  chatbot, paraKQC and KorSTS lines): account spans 15 -> 7 (080 lines), phone 299 -> 296
  (public places), name 1,373 -> 1,372, address and e-mail unchanged. Cost (CPU, best of 5,
  alternating processes, ``/tmp`` copy of main's ``src``): the whole mask() 240 -> 264 us a
  citizen message and 4,220 -> 4,420 us an SMS body against main's masker mid-round (load 2-3;
  +10% / +5%), 244 -> 275 us and 4,390 -> 4,530 us at the round's end (load 4; +13% / +3%);
  ``--speed`` (mid-round): the name model x1.29 / x1.38 of the rules alone.
* Fifteenth round, names (session 18, a second helper beside the numbers, h-names; docs/pii.md
  "Fifteenth round: names"): Latin names after English naming words, speaker labels, foreign
  names after a bracketed nationality, a surname and a given name said apart, spelled names
  after a form's field, rosters counted aloud, police ranks; no name for a surname and a title,
  words about a name (외자, 가명), a common word after a naming cue; the detector's lexicon
  holds kiwi's reading of every word of two to four syllables of the name-free texts (weights
  not retrained). Kept back, names+addresses after the numbers round -> after both: U2 0.952
  (7) -> 0.952 (4 false masks), O2 0.864 (6) -> 0.881 (5), S2 0.858 (6) -> 0.877 (3), T2 0.899
  (6) -> 0.911 (5), M2 and Q2 unchanged. Real text: name spans 1,372 -> 1,196.
* ``bench/data/pii_v2_holdout_v.jsonl`` (hold-out V) - 471 items (254 number spans, 22-25 of
  each of the eleven types; 156 names, 40 addresses; 133 items without personal data: public
  offices' and companies' numbers, receipt and bus numbers, form examples, historical
  figures) written blind in session 18 by a helper that never read the masker (it read the
  scorer and three lines of K for the format), from the same brief as tune set U, and committed
  alone (1c6bf79) after both fifteenth-round branches merged and before the masker ran on it.
  **Scored by the lead only, never printed with --errors**, twice in one sitting (23:05 UTC,
  load 2.5): the masker of the session's start (f4c2728) numbers 0.961 (masked as some type
  0.976; 11 false masks, 9 of them phones), names 0.885 (14), names+addresses 0.908 (15); after
  the round (22f2e4d) **numbers 0.965 (masked 0.980), names 0.897 (13), addresses 1.000,
  names+addresses 0.918 (14)**; peer 0.433 / 0.485. Neither target is met, each by about one
  to four spans: the round's families moved V by one phone and two names. Per type after:
  every type >= 0.955 except account 0.913 (masked 1.000: a wrong type) and health insurance
  0.864 (masked 0.955). Earlier hold-outs in the same sitting, start -> after: R numbers
  0.908 -> 0.923, names+addresses 0.824 -> 0.827; P 0.938 -> 0.947, 0.925 -> 0.931; N 0.973
  -> 0.973, 0.914 -> 0.914.
* ``bench/data/pii_v2_tune_w.jsonl`` (tune set W) - 486 items written blind for tuning in
  session 19 by a helper that never saw the masker, from the brief of U and V with every number
  type at least ~24 times, the kind named before, after, far from the number or only by the
  situation, and look-alike office and shop lines (302 number spans: 42 phones, 26 resident, 25
  foreigner, 31 e-mail, 28 plates, 27 passports, 26 accounts, 25 health-insurance, 24 cards, 24
  licences, 24 business; 141 names, 35 addresses), copied once it had stopped growing (four line
  counts a minute apart) and committed on its own (e66ceb2). **Scored first, before anything
  was learnt from it** (load 3.5; the masker of main, 5e543db): **numbers 0.874 (masked as some
  type 0.887; 17 false masks)**, card 0.750, plate 0.786, passport 0.778, business 0.792,
  health-insurance 0.840, rrn 0.885, e-mail 0.903, account 0.923 (masked 0.962), phone 0.952 (10
  false masks), licence 0.958, foreigner 1.000; **names 0.901 (12), addresses 1.000 (1),
  names+addresses 0.920 (13)**; peer 0.351 / 0.494. Split by position like U: **W2** (every
  third item from the third, 162 items: 100 numbers, 60 names and addresses) is kept back -
  scored, never printed with ``--errors`` (refused), never trained on (``KEPT_BACK``); **W1**
  (324 items) is looked at. W2 first: numbers 0.870 (masked 0.880; 8 false masks),
  names+addresses 0.883 (4). Caveat: the first-score run printed W2's per-type table with its
  aggregates, as U2's was; no rule was written from it.
* Sixteenth round (session 19, numbers; names were h-names'), as families, from W1's misses and
  false masks and from about 230 probe sentences in new words (not committed). The kind of a
  number is one decision (``dasan.text.pii_kind``): a number of 10 to 16 digits whose shape more
  than one kind shares takes the kind named nearest to it in its turn - the word before it, or
  the word after it when none is said before or a clause ends (이고, 인데, a comma) between the
  word before and the number - said in full or short (건강보험증, 보험증, 증번호, 가입자 번호,
  건보 카드, 피부양자; 계좌, 통장, a bank, 입금, 환급; 사업자, 간이과세자; 면허; 카드), if its
  digits fit that kind (16 digits are no account, a mobile's 010 no business number), else its
  grouping (3-2-5 business, 2-2-6-2 licence, 4-4-4-4 card, 1-10 health); before, an 11-digit
  account said after 보험증 번호 말고 was a health card by the recognisers' priority. The same
  words reach a written number up to 90 characters before it when no other kind (or a
  reference's word: 등기번호, 고지서 번호, now one list ``pii_kind.REFERENCE_CUE``) is named in
  between (건강보험증 번호는 ... 저희 건 3728190461); a number whose nearest word is a
  reference's is nobody's; a health card's ten digits after its word; a number that opens its
  turn answers the kind named in the turn before (보험증 번호 불러 주시겠어요? / 네 ...). Passports: the word in
  the residents' languages (旅券, 护照, hộ chiếu, pasaporte, passeport, паспорт, PP No.), the
  shape 18FV40213, the number written out after it was spelled. A plate read aloud after a
  vehicle's word is no phone. Look-alikes: an office's landline said aloud (동사무소 번호가 공이
  ...) is dropped as a written one is; restaurants', pharmacies', clinics', branches', schools',
  garages', shops', hotels', parks' offices' and desks' lines (식당, 약국, 병원, 지점, 행정실,
  정비소, 세탁소, 부동산, 빵집, 관리소, 매표소, 프런트, 주차장, 콜택시 ...); a
  department in brackets; a line said to be a shop's right after it; a bill's customer number
  (고객번호 0618774021). An e-mail told as ID, service, 메일. Tried and left out: a part of a
  card, plate or account said alone after the words that say which part (카드 뒷자리 4165, 차번호
  뒤에 네 자리 7731, 앞에 여섯자리 356417) - W's writer labels them (seven of W1's misses), earlier
  writers do not: one false mask more on each of Q2, T2, M1, O1, S1, T1 and no kept-back recall;
  가게, 회사 and 문의 as office words (each cost a labelled phone on O2, the tune split or Q2).
  Kept back, numbers before -> after (load 3-5): **W2 0.870 -> 0.870 (masked 0.880 -> 0.880; 8
  -> 6 false masks)**; M2 0.985, O2 0.969, Q2 0.946 (masked 0.957), S2 0.932 (0.949), T2 0.981,
  U2 0.929 (0.939) unchanged, false masks unchanged (1, 1, 2, 4, 0, 0); names+addresses
  unchanged on every kept-back part (W2 0.883, U2 0.952, M2 0.932, O2 0.881, Q2 0.979, S2 0.877,
  T2 0.911). W1 (tuned on) 0.876 -> 0.921 (masked 0.891 -> 0.926; 9 -> 0 false masks); W whole
  0.874 -> 0.904 (17 -> 6). Every earlier tune split unchanged. W1's numbers left: the parts
  said alone above, a 주민번호 back half said as its first digit then the rest, a business
  number said last part first, a licence with no word at all. Real text (``python -m
  bench.pii_real_text``, 62,085 lines): phone spans 296 -> 286 (offices', hotels', parks', car
  parks' and tourist desks' lines), every other type unchanged. Cost: the new functions take about 1-2% of mask()'s profiled time (1.7%
  more function calls on the ``--speed`` corpora); CPU per message against main's masker
  (``/tmp`` copy of its ``src``), alternating processes, best of 3, four pairs at load 3-4:
  283 -> 311 us a citizen message, 4,701 -> 4,950 us an SMS body (+10% / +5%; single runs
  overlap). ``--split tune --speed`` (load 4): the name model x1.33 / x1.34 of the rules alone.
* ``bench/data/pii_v2_tune_y.jsonl`` (tune set Y) - 479 items written blind for tuning in
  session 20 by a helper that never saw the masker (390 number spans: 56 resident, 28 foreigner,
  32 phones, 50 cards, 29 accounts, 27 e-mail, 55 plates, 29 passports, 28 licences, 28
  business, 28 health-insurance; 163 names, 41 addresses; look-alikes), copied once the
  writer's file had stopped growing for three minutes and every line parsed, and committed alone
  (dcc40f7). **Scored first, before anything was learnt from it** (load 6.9; the masker of main,
  f76bf97): **numbers 0.872** (masked 0.882; 10 false masks: card 0.760, car plate 0.782,
  passport 0.759, rrn 0.893, e-mail 0.889, licence 0.893, phone 0.969), **names 0.926 (10 false
  masks), addresses 0.976 (2), names+addresses 0.936 (12)**; peer 0.382 / 0.525. Split by
  position like W: **Y2** (every third item from the third, 159 items: 139 numbers, 63 names
  and addresses) is kept back - scored, never printed with ``--errors`` (refused), never
  trained on (``KEPT_BACK``); **Y1** (320 items) is looked at. Y2 first: numbers 0.928 (0 false
  masks), names+addresses 0.889 (6). Y1 first: numbers 0.841 (masked 0.857; 10), names+addresses
  0.957 (6). Caveat: ``bench_pii`` prints Y2's per-type table with its aggregates (card 0.875,
  plate 0.778 at the first score); no rule was written from it.
* Seventeenth round (session 20, numbers; names were h-names'), as families, from Y1's misses
  and from probes in new words (about 90 card, plate and 주민번호 sentences, not committed). The
  question asked first: which shapes does the candidate finder not even propose? Sixteen rounds
  had added a pattern per way of saying a number; this round reads the digits of a message as
  groups once (``dasan.text.pii_grouped``: written digits, syllables, native numerals, a run read
  a digit at a time as one group) and decides by the groups. **Cards**: four groups of four
  digits joined by separators (a comma, a slash), 다시/하고/그리고/에, a group taken back (구사일이
  공공팔칠 아 아니다 공공칠팔 ...) or a pause said aloud (음 잠깐만요 ... 아 여기 있다) are a card
  with no card word at all; 16 digits in another grouping (or 15 from 34/37, 아멕스) after a card
  word in the turn; no start inside another number (공일공 이팔삼칠 ...), no list of numbers with
  mixed separators (1588 - 1515, 1644-1515). **Plates**: two or three digits, a plate syllable
  and four digits with any part said aloud - digit by digit, as a number (십이에 가), in native
  numerals (하나둘 가 셋넷다섯여섯), with 에/하고/다시 between - when a vehicle is named anywhere
  in the turn, before or after; an old plate with its region and digits (서울 1나 4526) likewise;
  a plate's four digits said again after a slip; no part both written and said (26일에서 2024).
  **주민번호**: each half said in the turn after the number's name, however far and however
  often (아까 900314 라고 했는데 900413 이에요; a back half said again after a slip), a back half
  begun, broken off and finished (이공삼... 하고 뭐더라 아 사팔팔일), the front half with the first
  back digit in pairs; no half after a code's, an amount's or another number's word (인증번호,
  금액, 전화). **E-mail**: the ID read back letter by letter after the address (jh0918 ... 제이
  에이치 공구일팔). **Passports**: read in parts after the passport's word in the turn - its
  letters, then digit groups joined by 다시/하고/그리고/숫자, a letter said after them (M 다시
  칠칠일 다시 공팔삼 다시 이이; EJ 그리고 숫자 7 1 4 0 ...) - or nine digits said one at a time.
* Hold-outs X and Z as tune data (session 20): once the lead had scored each once (Z after the
  seventeenth rounds: numbers 0.941, names 0.882, addresses 0.974), both were split by position
  like Y: **X2** and **Z2** (every third item from the third) are kept back - scored, never
  printed with ``--errors`` (refused), never trained on - and **X1** and **Z1** (the rest) are
  looked at (splits ``tune-x1``/``tune-x2``/``tune-z1``/``tune-z2``). The whole files stay
  refused by ``--errors`` under their hold-out names.
* Round 18 (numbers; session 20), from X1's and Z1's number misses and false masks, each asked
  what general shape it stands for and probed in new words (``tests/unit/text/
  test_pii_families_r18.py``), as families. **A document number in a shape no rule expected,
  after the kind that names it**: passports mixing letters and digits in a country's own way
  (M04P91726: one or two letters, digits, a letter, digits, 7-11 in all) or eight digits named
  nearest as a passport (not a date: 만료일 20291231); health-insurance numbers of twelve digits
  when the card is the kind named nearest (written or read in groups); 쩜/점 between the read-out
  groups of any document number. **A form's example is nobody's number**: an example word
  earlier in the clause with no word of one's own between (작성 예시에 여권번호 M..., 칸 예시가
  010-0000-0000), a number asked about as a kind (M12345678 이런 거 말하는 거예요?), a phone's
  digits all zeros after its prefix, example@ and digits-only@ addresses at a public domain
  (120@seoul.go.kr). **Whose number it is**: a company's business number (a receipt's or a
  sign's, 주식회사/본사/대형마트 after it, none of one's own words near), an account an office's
  word owns (... 으로 관리사무소 계좌), a corporation's registration number (법인등록번호, a
  resident number's shape); tax offices, courts, registries and 문의 as office words for
  landlines; 고지/가맹점/이용권/정기권 numbers as references. **Numbers joined by words no rule
  expected**: a mobile's groups said as numbers with 다시/하고/대시 between; an e-mail ID spelled
  with commas and 그 다음에 (숫자) ... 그리고 앳; an account read after its bank longer than any
  phone though it starts 010; a traffic or parking report (주정차, 과속, 블랙박스) names a vehicle
  for a plate said aloud; the @ said as 엣; the rest of a card said after its first four (나머지는
  8810 2294 6613: three groups of four after a word for the rest, a card named). Left alone: a back half answered in the next turn after a question
  (``? 고객: 네 6649983``), a licence read with a self-correction across groups, a card group
  said again after a slip (... 오구육이 아니지 오구이육), one's own office line the caller refuses (사무실 번호는
  ... 회사라 안 되고요), a 주민번호 back half without its first digit. **Numbers typed (``--split
  tune-x1`` ... one run each, load 2-4): X1 0.960 -> 0.989 (false masks 8 -> 1), Z1 0.951 ->
  0.981 (12 -> 2); kept back X2 0.988 -> 0.988 (3 -> 2), Z2 0.918 -> 0.929 (5 -> 4), W2 0.880 ->
  0.900 (6 -> 6), Y2 0.942 -> 0.950 (0 -> 0); M2 0.985, O2 0.969, Q2 0.967, S2 0.932, T2 0.981,
  U2 0.939 unchanged, none with a new false mask.** The before figures are the masker of f0b01a0
  run from a ``/tmp`` copy of its tree in the same session. Names+addresses on X1, Z1, X2, Z2
  unchanged. Real text (``bench.pii_real_text``, 62,085 lines, ``--dump`` compared): phone spans
  285 -> 251 - every one dropped an office's line in an FAQ answer (문의 : ... 02-..., 공연문의도
  (02-...)); address spans 265 -> 266: one new false span (서울시 회원관리 02-2126 - the number
  of an office's line no longer masked as a phone is read as an address; left for the address
  rules); no other change.
  **Look-alikes**: a number said to be an example right after it (90가 1234 같은 예시로, ...
  이건 제가 예로 든 거고요); a bank branch's, a bus depot's and a company's landline (영업점, 차고지,
  업체 as office words; a mobile beside them stays masked). Kept back, numbers typed (masked; false masks),
  before -> after (load 4-12):

  | Kept back | Before | After |
  |---|---|---|
  | Y2 (new) | 0.928 (0.928; 0) | **0.942 (0.942; 0)** |
  | W2 | 0.870 (0.880; 6) | **0.880 (0.890; 6)** |
  | U2 | 0.929 (0.929; 0) | **0.939 (0.939; 0)** |
  | Q2 | 0.946 (0.957; 2) | **0.967 (0.978; 2)** |
  | S2 | 0.932 (0.949; 4) | 0.932 (0.949; **3**) |
  | M2 | 0.985 (0.985; 1) | 0.985 (0.985; **0**) |
  | O2, T2 | 0.969 (1), 0.981 (0) | unchanged |

  Names+addresses recall unchanged on every kept-back part (Y2 0.889 with 6 false masks, W2
  0.883, U2 0.952, M2 0.932, O2 0.881, Q2 0.979, S2 0.887 with 3 -> 2 false masks: a card's
  digits no longer read as a name, T2 0.911). Y1 (tuned on) numbers 0.841 -> 0.952
  (masked 0.857 -> 0.956; 10 -> 2 false masks): card 0.706 -> 0.971, plate 0.784 -> 0.946, rrn
  0.829 -> 1.000, e-mail 0.850 -> 0.950, passport 0.714 -> 0.905; Y whole 0.872 -> 0.949 (masked
  0.951; 10 -> 2). W1 0.921 -> 0.931, every other tune split unchanged, none with a false mask
  more. Y1's numbers left: a passport with a native numeral inside (C 네 사 팔 ...), licences in
  named parts, a card's first group corrected after the whole number, a temporary
  plate (임시 서울 12-3456), a phone's first try broken off; false masks: a shop's own line (가게:
  writers label it when it is the caller's own, see the sixteenth round), a licence read as an
  account. A part of a card or plate said alone stays unmasked (see the
  sixteenth round: earlier writers leave it unlabelled). Real text (``python -m
  bench.pii_real_text``, 62,085 lines): phone spans 286 -> 285 (an office word), every other
  type unchanged (the first card family took three
  lists of representative numbers and the plate family two dates; both were excluded as above
  before the commit). Cost: CPU per message of mask() against main's masker (``/tmp`` copy of
  its ``src``), alternating processes, best of 3: mid-round (load 12-16) 490 -> 510 us a citizen
  message, 7,033 -> 7,129 us an SMS body; at the round's end (load 3-6) 368 -> 375 us and 5,898
  -> 6,384 us (+2% / +8%; two pairs, single runs overlap by a few percent). No new pattern backtracks: the
  hostile-input test masks six more messages built for the new finders (each well under a
  second; 2,000-4,500 characters take 40-240 ms, as before the round).
* ``bench/data/pii_v2_tune.jsonl`` - items in other phrasings, looked at while tuning (86,
  then 58 more written in a second round without looking at hold-out B's misses: digit-by-digit
  and spoken phones, 주민번호/passport read aloud, 예약자명/가입자명/세대주 cues, relatives' names,
  "김 영희 님", 살아요 after an address); a third round of 79 (document numbers read aloud,
  full-width digits, 주민번호 halves joined by 뒤에/뒷자리, health-insurance numbers grouped
  any way, spoken e-mail, answers after 성함이 어떻게 되세요?, 집주인/명의자 cues, 10 sentences
  with no personal data); a fourth round of 122 (call-centre forms: 의/음 between spoken phone
  groups, cards read one digit at a time, e-mail read aloud with 닷컴/dot, 뒷자리 between spoken
  주민번호 halves, a bank word after the account number, 101-1203호 after a building name,
  고객명/수신자 cues, names starting like a common noun before 님; 12 with no personal data);
  a fifth round of 56 name and address forms written without looking at hold-out E (a name
  then whose it is: 김도윤 엄마, 윤서준 학생, X 앞으로; 남편이 X고; 이름이 X였나; X라는 사람;
  a spelled name before 상담사님; 신청인란에; addresses with 가길, 단지, 3가 and a comma).
  The sixth round tuned on hold-outs E and F (both seen by then; no new items): a relative
  then a name with its copula or 로 (제 와이프 X예요), where one lives then a name (용산구 사는
  X인데요), an elder's title after a name (X 할아버지가), the answer after a question mark or a
  dash (성함이요? - X이요), 대표자명, a name spelled with 자 (봉 자 현 자 우 자), a noun with its
  particle is no name (이름은), and a word after a building number that only starts like a
  unit (209 세종대, 27 주택).

* ``bench/data/pii_v2_holdout_x.jsonl`` (hold-out X) - 463 items (257 number spans, 18-49 of
  each of the eleven types; 167 names, 40 addresses; 126 items without personal data) written
  blind in session 19 by a helper that never read the masker, from the same brief as hold-out V,
  and committed alone (560e387) after both sixteenth-round branches merged and before the
  masker ran on it. **Scored by the lead only, never printed with --errors**, twice in one
  sitting (02:58 UTC, load 1.1): the masker of the session's start (5e543db, with the spelled
  e-mail's backtracking fix 2ac2496 applied, which changes no kept span: without it one item
  took 7.6 s) numbers 0.957 (masked 0.961; 17 false masks), names 0.905, names+addresses 0.919
  (21); after the round (2ac2496) **numbers 0.957 (masked 0.961; 15 false masks), names 0.923,
  addresses 0.975, names+addresses 0.933 (19)**; peer 0.451 / 0.459. Names+addresses meet
  0.92; numbers miss 0.98 by about six spans (card 0.850, car plate 0.857, rrn 0.923, email
  0.952, phone 0.980; account, passport, licence, business, health insurance and foreigner
  numbers 1.000). The numbers round moved no number span of X, as it moved none kept back.

* ``bench/data/pii_v2_holdout_z.jsonl`` (hold-out Z) - 465 items (304 number spans, 24-31 of
  each of the eleven types; 152 names, 38 addresses; 138 items without personal data) written
  blind in session 20 by a helper that never read the masker, from hold-out X's brief, and
  committed alone (after both seventeenth-round branches merged, before the masker ran on it).
  **Scored by the lead only, never printed with --errors**, twice in one sitting (05:16 UTC,
  load 4.7): the masker of the session's start (f76bf97) numbers 0.938 (masked 0.951; 17 false
  masks), names+addresses 0.900 (27); after the seventeenth rounds **numbers 0.941 (masked
  0.954; 17), names 0.882, addresses 0.974, names+addresses 0.900 (27)**; peer 0.418 / 0.500.
  Neither target is met (0.98 / 0.92). Cards, plates and 주민번호, the round's aim, reach
  0.958 / 1.000 / 1.000; the misses moved to the types X had at 1.000: health insurance 0.808,
  business 0.897, e-mail, passport 0.923, licence, foreigner 0.929, account 0.964. The round
  moved one span (a plate). X and Z are seen from here on and become tune data (round 18).

* ``bench/data/pii_v2_holdout_aa.jsonl`` (hold-out AA) - 466 items (272 number spans, 23-35 of
  each of the eleven types; 148 names, 38 addresses; 120 items without personal data) written
  blind in session 20 by a helper that never read the masker, from hold-out Z's brief, while
  round 18 tuned on X and Z; committed alone after both round-18 branches merged and before the
  masker ran on it. **Scored by the lead only, never printed with --errors**, twice in one
  sitting (05:48 UTC, load 9.5): the masker of the session's start (f76bf97) numbers 0.982
  (masked 0.982; 8 false masks), names+addresses 0.909 (15); after rounds 17 and 18 **numbers
  0.989 (masked 0.989; 7), names 0.905, addresses 0.947, names+addresses 0.914 (11)**; peer
  0.368 / 0.425. Numbers meet 0.98 (card 0.957, e-mail, licence 0.958, the eight other types
  1.000); names+addresses miss 0.92. The same old masker gives 0.938 on Z and 0.982 on AA:
  two fresh sets from one brief differ by more than two rounds move either, so one set's pass
  is weak evidence; the two rounds' gain on AA is +0.007 numbers, +0.005 names+addresses.

* ``bench/data/pii_v2_holdout_ab.jsonl`` (hold-out AB) - 469 items (275 number spans, 23-32 of
  each of the eleven types; 155 names, 36 addresses; 132 items without personal data) written
  blind in session 21 by a helper that never read the masker, from hold-out AA's brief, while
  round 19 ran (AA, never printed, was that round's validation set); committed alone (37864c6)
  after both round-19 branches merged and before the masker ran on it. **Scored by the lead
  only, never printed with --errors**, twice in one sitting (08:15 UTC, load 3): the masker of
  the session's start (015243e) numbers 0.967 (masked 0.975; 7 false masks), names 0.903,
  names+addresses 0.921 (10); after round 19 (the learnt name tagger, the number parts
  gatherer and its backstop) **numbers 0.978 (masked 0.985; 8), names 0.942, addresses 1.000,
  names+addresses 0.953 (10)**; peer 0.331 / 0.424. Names+addresses meet 0.92; typed number
  recall misses 0.98 by one span (269 of 275; health insurance 0.870, foreigner 0.923 typed and
  1.000 masked, passport 0.958; the eight other types 1.000), although every number but four is
  masked (0.985). The round's gain on AB: +0.011 numbers, +0.032 names+addresses (names +0.039).
  AB then served round 20 (numbers) as its validation set, aggregates only, three times
  (numbers 0.989, masked 0.996, names+addresses 0.953): it is no fresh measure from there on.

* ``bench/data/pii_v2_holdout_ac.jsonl`` (hold-out AC) - 470 items (282 number spans, 22-43 of
  each of the eleven types; 168 names, 40 addresses; 127 items without personal data) written
  blind in session 21 by a helper that never read the masker, from AB's brief, while round 20
  ran; committed alone after round 20 merged and before the masker ran on it. **Scored by the
  lead only, never printed with --errors**, twice in one sitting (08:40 UTC, load 0.9): the
  masker of the session's start (015243e) numbers 0.950 (masked 0.961; 5 false masks), names
  0.917, names+addresses 0.923 (8); after rounds 19 and 20 **numbers 0.954 (masked 0.965; 5),
  names 0.940, addresses 0.950, names+addresses 0.942 (8)**; peer 0.355 / 0.409. Names+
  addresses meet 0.92 (as on AB: the learnt tagger carries to text no one tuned on, +0.019 and
  +0.032); numbers miss 0.98 (health insurance 0.864, passport 0.909, business 0.913, account
  0.917, e-mail 0.923, licence 0.958, rrn 0.967; phone, card, plate, foreigner 1.000). Round 20
  aimed at health-insurance numbers and lifted AB's to 1.000, yet AC's stay at 0.864: the
  number rules fit the shapes their round saw, and two rounds move a fresh set by +0.004.

* ``bench/data/pii_v2_holdout_ad.jsonl`` ... ``_ag.jsonl`` (hold-outs AD, AE, AF, AG; session
  22) - 470, 468, 472 and 471 items (285, 302, 269 and 276 number spans, at least 20 of each
  type; 151, 164, 155 and 141 names; 39, 43, 35 and 35 addresses) written blind by four helpers
  that never read the masker (AD in session 21, the others in session 22), each from AB's
  brief, kept outside the repository, committed alone and **scored once by the lead, never
  printed with --errors** (AE and AF were read for their misses after their one scoring, for
  round 22; AD and AG never). The product of each scoring's time, and the masker of session 22's
  start (fd66324, the rules alone) on the same set:

  | set (UTC, scored after) | start: numbers / names+addr | **product: numbers (masked) / names+addr** | peer |
  |---|---|---|---|
  | AD (10:37, the gated typer) | 0.982 / 0.948 | **0.982 (0.982) / 0.948** | 0.442 / 0.450 |
  | AE (10:37, same product) | 0.983 / 0.913 | **0.990 (0.990) / 0.913** | 0.480 / 0.444 |
  | AF (11:04, + round 22 names) | 0.970 / 0.932 | **0.974 (0.978) / 0.932** | 0.457 / 0.437 |
  | AG (11:08, + round 22 numbers) | 0.982 / 0.949 | **0.989 (0.993) / 0.949** | 0.424 / 0.420 |
  | pooled (1,132 numbers, 764 names+addr) | 0.980 / 0.935 | **0.984 / 0.935** | |

  The typer (round 21, gated in round 22) changed 0, 2, 1 and 2 number spans on the four sets,
  each a gold number and none a false mask. Round 22's names (Latin letters with diacritics,
  Japanese names in Hangul) were written from AE's misses: AE 0.913 -> 0.932 after, and no
  change on AF or AG.

A gold span is *recalled* when a predicted span of the same type overlaps it; a predicted span
is a *false mask* when it overlaps no gold span of its type (precision = 1 - false masks /
predicted). "masked (any type)" counts a gold span as protected when any predicted span overlaps
it, whatever its type - what matters for privacy.

Peer: the masker as it was before issue 12, a frozen copy in ``bench/pii_peer_v1.py``, measured
in the same run. Presidio (Microsoft) was studied for its recogniser design (pattern + context
words + checksum validation per entity) but not run: it needs a spaCy model from a model hub
and ships no Korean recognisers. Targets on the hold-out: number recall >= 0.98,
name/address recall >= 0.92.

Speed (``--speed``): microseconds per message of ``pii_names.romanised_names`` and
``spaced_names`` and of the whole ``pii.mask``, and the cost of the scored name detector
(``mask, name model``: ``pii.mask`` with it against ``pii.mask`` with the rules alone, wall and
CPU time; at load 12.5 CPU x1.5 on both corpora, budget x2), on the tune and issue-3 labelled texts (short
citizen messages) and on SMS-length bodies built from the channel-test KB answers and English
lines (40-3,000 characters, as in bench_channels). Peer: the same functions as they were before
the cue-word scan (``bench/peers/pii_names_v1.py``, same patterns, a scan at every character),
timed in the same run, alternating; best of 5 rounds.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from bench import pii_peer_v1
from bench.peers import pii_names_v1
from bench.pii_scoring import Finder, load_items, score_spans
from dasan.config import PROJECT_ROOT
from dasan.text import pii, pii_name_model, pii_names

DATA = PROJECT_ROOT / "bench" / "data"
SPLITS = {
    "holdout-v": DATA / "pii_v2_holdout_v.jsonl",
    "holdout-x": DATA / "pii_v2_holdout_x.jsonl",
    "holdout-z": DATA / "pii_v2_holdout_z.jsonl",
    "holdout-aa": DATA / "pii_v2_holdout_aa.jsonl",
    "holdout-ab": DATA / "pii_v2_holdout_ab.jsonl",
    "holdout-ac": DATA / "pii_v2_holdout_ac.jsonl",
    "holdout-ad": DATA / "pii_v2_holdout_ad.jsonl",
    "holdout-ae": DATA / "pii_v2_holdout_ae.jsonl",
    "holdout-af": DATA / "pii_v2_holdout_af.jsonl",
    "holdout-ag": DATA / "pii_v2_holdout_ag.jsonl",
    "holdout-p": DATA / "pii_v2_holdout_p.jsonl",
    "holdout-r": DATA / "pii_v2_holdout_r.jsonl",
    "holdout-n": DATA / "pii_v2_holdout_n.jsonl",
    "holdout-j": DATA / "pii_v2_holdout_j.jsonl",
    "holdout-i": DATA / "pii_v2_holdout_i.jsonl",
    "holdout-h": DATA / "pii_v2_holdout_h.jsonl",
    "holdout-g": DATA / "pii_v2_holdout_g.jsonl",
    "holdout-f": DATA / "pii_v2_holdout_f.jsonl",
    "holdout-e": DATA / "pii_v2_holdout_e.jsonl",
    "holdout-d": DATA / "pii_v2_holdout_d.jsonl",
    "holdout-c": DATA / "pii_v2_holdout_c.jsonl",
    "holdout-b": DATA / "pii_v2_holdout_b.jsonl",
    "holdout-a": DATA / "pii_v2_holdout.jsonl",
    "tune": DATA / "pii_v2_tune.jsonl",
    "tune-k": DATA / "pii_v2_tune_k.jsonl",
    "tune-k1": DATA / "pii_v2_tune_k.jsonl",
    "tune-k2": DATA / "pii_v2_tune_k.jsonl",
    "tune-l": DATA / "pii_v2_tune_l.jsonl",
    "tune-m": DATA / "pii_v2_tune_m.jsonl",
    "tune-m1": DATA / "pii_v2_tune_m.jsonl",
    "tune-m2": DATA / "pii_v2_tune_m.jsonl",
    "tune-o": DATA / "pii_v2_tune_o.jsonl",
    "tune-o1": DATA / "pii_v2_tune_o.jsonl",
    "tune-o2": DATA / "pii_v2_tune_o.jsonl",
    "tune-q": DATA / "pii_v2_tune_q.jsonl",
    "tune-q1": DATA / "pii_v2_tune_q.jsonl",
    "tune-q2": DATA / "pii_v2_tune_q.jsonl",
    "tune-s": DATA / "pii_v2_tune_s.jsonl",
    "tune-s1": DATA / "pii_v2_tune_s.jsonl",
    "tune-s2": DATA / "pii_v2_tune_s.jsonl",
    "tune-t": DATA / "pii_v2_tune_t.jsonl",
    "tune-t1": DATA / "pii_v2_tune_t.jsonl",
    "tune-t2": DATA / "pii_v2_tune_t.jsonl",
    "tune-u": DATA / "pii_v2_tune_u.jsonl",
    "tune-u1": DATA / "pii_v2_tune_u.jsonl",
    "tune-u2": DATA / "pii_v2_tune_u.jsonl",
    "tune-w": DATA / "pii_v2_tune_w.jsonl",
    "tune-w1": DATA / "pii_v2_tune_w.jsonl",
    "tune-w2": DATA / "pii_v2_tune_w.jsonl",
    "tune-y": DATA / "pii_v2_tune_y.jsonl",
    "tune-y1": DATA / "pii_v2_tune_y.jsonl",
    "tune-y2": DATA / "pii_v2_tune_y.jsonl",
    "tune-x1": DATA / "pii_v2_holdout_x.jsonl",
    "tune-x2": DATA / "pii_v2_holdout_x.jsonl",
    "tune-z1": DATA / "pii_v2_holdout_z.jsonl",
    "tune-z2": DATA / "pii_v2_holdout_z.jsonl",
}
# Sets K, M, O, Q, S, T, U, W and Y are split by position: K2, M2, O2, Q2, S2, T2, U2, W2 and Y2
# (every third item, from the third) are kept back from whoever tunes - scored, never printed
# with --errors - and K1, M1, O1, Q1, S1, T1, U1, W1 and Y1 (the rest) are looked at. Hold-outs
# X and Z, once scored by the lead, became tune data the same way (X1/X2, Z1/Z2); "holdout-x"
# and "holdout-z" (the whole files) stay refused by --errors.
K_PARTS = {"tune-k1": lambda i: i % 3 != 2, "tune-k2": lambda i: i % 3 == 2,
           "tune-m1": lambda i: i % 3 != 2, "tune-m2": lambda i: i % 3 == 2,
           "tune-o1": lambda i: i % 3 != 2, "tune-o2": lambda i: i % 3 == 2,
           "tune-q1": lambda i: i % 3 != 2, "tune-q2": lambda i: i % 3 == 2,
           "tune-s1": lambda i: i % 3 != 2, "tune-s2": lambda i: i % 3 == 2,
           "tune-t1": lambda i: i % 3 != 2, "tune-t2": lambda i: i % 3 == 2,
           "tune-u1": lambda i: i % 3 != 2, "tune-u2": lambda i: i % 3 == 2,
           "tune-w1": lambda i: i % 3 != 2, "tune-w2": lambda i: i % 3 == 2,
           "tune-y1": lambda i: i % 3 != 2, "tune-y2": lambda i: i % 3 == 2,
           "tune-x1": lambda i: i % 3 != 2, "tune-x2": lambda i: i % 3 == 2,
           "tune-z1": lambda i: i % 3 != 2, "tune-z2": lambda i: i % 3 == 2}
NO_ERRORS = frozenset({"tune-k", "tune-k2", "tune-m", "tune-m2", "tune-o", "tune-o2", "tune-q",
                       "tune-q2", "tune-s", "tune-s2", "tune-t", "tune-t2", "tune-u", "tune-u2",
                       "tune-w", "tune-w2", "tune-y", "tune-y2", "tune-x2", "tune-z2",
                       "holdout-i", "holdout-j", "holdout-n", "holdout-p", "holdout-r",
                       "holdout-v", "holdout-x", "holdout-z", "holdout-aa",
                       "holdout-ab", "holdout-ac", "holdout-ad",
                       "holdout-ae", "holdout-af", "holdout-ag"})


def split_items(split: str) -> list[dict[str, Any]]:
    items = load_items(SPLITS[split])
    keep = K_PARTS.get(split)
    return [row for i, row in enumerate(items) if keep(i)] if keep else items
NUMBER_TYPES = (
    "rrn", "foreigner_rrn", "phone", "card", "account", "email", "car_plate",
    "passport", "driver_licence", "business_no", "health_insurance",
)
TEXT_TYPES = ("address", "name")
GROUPS = (("numbers", NUMBER_TYPES), ("names+addresses", TEXT_TYPES))


def dasan_find(text: str) -> list[tuple[str, int, int]]:
    return [(s.type, s.start, s.end) for s in pii.find(text)]


def peer_find(text: str) -> list[tuple[str, int, int]]:
    return [(s.type, s.start, s.end) for s in pii_peer_v1.find(text)]


def score(items: list[dict[str, Any]], finder: Finder) -> tuple[dict[str, dict[str, float]],
                                                                  list[str]]:
    return score_spans(items, finder, GROUPS)


def run(split: str, show_errors: bool) -> dict[str, Any]:
    if show_errors and split in NO_ERRORS:
        raise SystemExit(f"--errors is refused on {split}: it is kept back from tuning")
    items = split_items(split)
    ours, errors = score(items, dasan_find)
    peer, _ = score(items, peer_find)
    print(f"## PII on {SPLITS[split].name} [{split}] ({len(items)} items)")
    print(f"{'type':17}{'n':>4}  {'dasan R':>8}{'masked':>8}{'P':>7}{'FM':>4}"
          f"   {'peer R':>8}{'masked':>8}{'P':>7}{'FM':>4}")
    for kind in (*NUMBER_TYPES, *TEXT_TYPES, "numbers", "names+addresses"):
        o, p = ours[kind], peer[kind]
        print(f"{kind:17}{int(o['n']):4d}  {o['recall']:8.3f}{o['masked']:8.3f}"
              f"{o['precision']:7.3f}{int(o['false_masks']):4d}   {p['recall']:8.3f}"
              f"{p['masked']:8.3f}{p['precision']:7.3f}{int(p['false_masks']):4d}")
    num, txt = ours["numbers"]["recall"], ours["names+addresses"]["recall"]
    print(f"target: numbers {num:.3f} (>= 0.98: {'met' if num >= 0.98 else 'NOT met'}), "
          f"names/addresses {txt:.3f} (>= 0.92: {'met' if txt >= 0.92 else 'NOT met'}); "
          f"peer {peer['numbers']['recall']:.3f} / {peer['names+addresses']['recall']:.3f}")
    if show_errors:
        print("\n".join(errors))
    return {"dasan": ours, "peer": peer}


def _speed_corpus() -> dict[str, list[str]]:
    short = [row["text"] for name in ("pii_v2_tune.jsonl", "pii_labelled.jsonl")
             for row in load_items(DATA / name)]
    kb = PROJECT_ROOT / "tests" / "integration" / "channels" / "kb_channels.json"
    lines = [e["answer"] for e in json.loads(kb.read_text(encoding="utf-8"))]
    lines += ["Your climate card refund was processed. Please check the T-money app.",
              "기후동행카드 refund 관련 안내: T-money 앱에서 확인하세요 (2026-12-02).",
              "[서울시 120다산콜] 문의하신 민원이 처리되었습니다. 만족도: 1~5로 답해 주세요."]
    rng = random.Random(7)
    sms = []
    for _ in range(200):
        target = rng.choice((40, 80, 300, 1500, 2500, 6000))
        parts: list[str] = []
        while sum(len(p) for p in parts) * 2 < target:
            parts.append(rng.choice(lines))
        sms.append(" ".join(parts)[: max(10, target // 2)])
    return {"citizen messages": short, "SMS bodies": sms}


def _per_message_us(fn: Callable[[str], object], texts: list[str]) -> float:
    t0 = time.perf_counter()
    for text in texts:
        fn(text)
    return (time.perf_counter() - t0) / len(texts) * 1e6


def _mask_with(roman: Callable[[str], Iterator[pii.Candidate]],
               spaced: Callable[[str], Iterator[pii.Candidate]]) -> Callable[[str], object]:
    recognisers = tuple(
        roman if r is pii_names.romanised_names else spaced if r is pii_names.spaced_names else r
        for r in pii.RECOGNISERS)

    def run(text: str) -> object:
        saved = pii.RECOGNISERS
        pii.RECOGNISERS = recognisers
        try:
            return pii.mask(text)
        finally:
            pii.RECOGNISERS = saved
    return run


def speed() -> None:
    rows = (
        ("romanised_names", lambda t: list(pii_names.romanised_names(t)),
         lambda t: list(pii_names_v1.romanised_names(t))),
        ("spaced_names", lambda t: list(pii_names.spaced_names(t)),
         lambda t: list(pii_names_v1.spaced_names(t))),
        ("mask (all recognisers)", pii.mask,
         _mask_with(pii_names_v1.romanised_names, pii_names_v1.spaced_names)),
    )
    print("\n## PII masking speed, us per message (best of 5 alternating rounds)")
    for corpus, texts in _speed_corpus().items():
        mean_len = sum(map(len, texts)) / len(texts)
        print(f"{corpus}: {len(texts)} texts, {mean_len:.0f} characters on average")
        for label, ours, peer in rows:
            assert all(ours(t) == peer(t) for t in texts[:50]), label  # same results
            best_o = best_p = float("inf")
            for _ in range(5):
                best_o = min(best_o, _per_message_us(ours, texts))
                best_p = min(best_p, _per_message_us(peer, texts))
            print(f"  {label:24} dasan {best_o:9.1f}   peer (scan everywhere) {best_p:9.1f}"
                  f"   x{best_p / best_o:.1f}")
        _name_model_cost(texts)


def _name_model_cost(texts: list[str]) -> None:
    """mask() with the scored name detector against mask() with the rules alone (as before it),
    alternating, best of 5: wall and CPU microseconds per message."""
    full = pii.RECOGNISERS
    rules = tuple(r for r in full if r is not pii_name_model.scored_names)
    best: dict[str, tuple[float, float]] = {}
    try:
        for _ in range(5):
            for label, recognisers in (("with name model", full), ("rules only", rules)):
                pii.RECOGNISERS = recognisers
                wall, cpu = time.perf_counter(), time.process_time()
                for text in texts:
                    pii.mask(text)
                wall = (time.perf_counter() - wall) / len(texts) * 1e6
                cpu = (time.process_time() - cpu) / len(texts) * 1e6
                old = best.get(label, (float("inf"), float("inf")))
                best[label] = (min(old[0], wall), min(old[1], cpu))
    finally:
        pii.RECOGNISERS = full
    (ow, oc), (pw, pc) = best["with name model"], best["rules only"]
    print(f"  {'mask, name model':24} dasan {ow:9.1f}   peer (rules only)      {pw:9.1f}"
          f"   wall x{ow / pw:.2f}; CPU {oc:.1f} vs {pc:.1f} us, x{oc / pc:.2f}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="PII recall and false masks (issue 12)")
    parser.add_argument("--split", choices=sorted(SPLITS), action="append",
                        help="default: hold-outs B to H")
    parser.add_argument("--errors", action="store_true", help="print misses and false masks")
    parser.add_argument("--speed", action="store_true",
                        help="also time the name recognisers and mask() against the old scan")
    args = parser.parse_args(argv)
    for split in args.split or ("holdout-h", "holdout-g", "holdout-f", "holdout-e",
                                "holdout-d", "holdout-c", "holdout-b"):
        run(split, args.errors)
    if args.speed:
        speed()


if __name__ == "__main__":
    main()

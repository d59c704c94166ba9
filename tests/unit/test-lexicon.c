/* test-lexicon.c: content features from message bodies
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tend-lexicon.h"

static TendContentFeatures
analyse (const char *text)
{
  TendContentFeatures features = { 0 };

  tend_lexicon_analyse (tend_lexicon_get_default (), text, -1, &features);
  return features;
}

static void
test_default (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendLexicon) english = tend_lexicon_new_for_language ("en", &error);
  g_autoptr (TendLexicon) missing = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (english);
  g_assert_true (tend_lexicon_get_default () == tend_lexicon_get_default ());
  g_assert_cmpstr (tend_lexicon_get_language (tend_lexicon_get_default ()), ==, "en");
  /* At least 40 entries in each of the four categories. */
  g_assert_cmpuint (tend_lexicon_get_n_entries (english), >=, 4 * 40);

  missing = tend_lexicon_new_for_language ("xx", &error);
  g_assert_null (missing);
  g_assert_error (error, TEND_LEXICON_ERROR, TEND_LEXICON_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* Not a language tag: never turned into a resource path. */
  missing = tend_lexicon_new_for_language ("../lexicon/en", &error);
  g_assert_null (missing);
  g_assert_error (error, TEND_LEXICON_ERROR, TEND_LEXICON_ERROR_NOT_FOUND);
}

static void
test_words (void)
{
  TendContentFeatures f;

  /* Hello | world | this | is | a | test: 6; punctuation and spaces are not words. */
  f = analyse ("Hello world, this is a test.");
  g_assert_cmpuint (f.words, ==, 6);

  /* It's | 3 | o'clock | e.g: apostrophes and numbers stay inside their word (UAX #29). */
  f = analyse ("It's 3 o'clock -- e.g");
  g_assert_cmpuint (f.words, ==, 4);

  f = analyse ("");
  g_assert_cmpuint (f.words, ==, 0);
  f = analyse ("  ... !!! \n\n");
  g_assert_cmpuint (f.words, ==, 0);

  /* Counts add up over calls: 2 + 3. */
  f = (TendContentFeatures){ 0 };
  tend_lexicon_analyse (tend_lexicon_get_default (), "one two", -1, &f);
  tend_lexicon_analyse (tend_lexicon_get_default (), "three four five", -1, &f);
  g_assert_cmpuint (f.words, ==, 5);

  /* An explicit length stops early: "one two" of "one two three". */
  f = (TendContentFeatures){ 0 };
  tend_lexicon_analyse (tend_lexicon_get_default (), "one two three", 7, &f);
  g_assert_cmpuint (f.words, ==, 2);

  /* Invalid UTF-8 is tolerated: "caf\xff" becomes "caf\uFFFD", still one word, and "ok" another. */
  f = analyse ("caf\xff ok");
  g_assert_cmpuint (f.words, ==, 2);
}

static void
test_phrases (void)
{
  TendContentFeatures f;

  /* "thank you so much" is one entry (the longest match), "i think" a hedge. */
  f = analyse ("Thank you so much for this. I think it is great.");
  g_assert_cmpuint (f.gratitude, ==, 1);
  g_assert_cmpuint (f.hedges, ==, 1);
  g_assert_cmpuint (f.apologies, ==, 0);
  g_assert_cmpuint (f.negative, ==, 0);

  /* "sorry for the delay" and "sorry again": two apologies, not three or four. */
  f = analyse ("Sorry for the delay, and sorry again.");
  g_assert_cmpuint (f.apologies, ==, 2);

  /* "great job" + "well done" + "kudos" = 3. */
  f = analyse ("Great job on the launch! Well done, and kudos to the team.");
  g_assert_cmpuint (f.gratitude, ==, 3);

  /* "unacceptable", "frustrating", "per my last email" = 3. */
  f = analyse ("This is unacceptable and frustrating. Per my last email, the deadline was Monday.");
  g_assert_cmpuint (f.negative, ==, 3);

  /* "i'm not sure" counts once, not also as "not sure"; "maybe" and "kind of" make 3. */
  f = analyse ("I'm not sure. Maybe it is kind of late.");
  g_assert_cmpuint (f.hedges, ==, 3);

  /* A phrase never spans a sentence break: "not. Sure" is no hedge. */
  f = analyse ("I did not. Sure enough, it worked.");
  g_assert_cmpuint (f.hedges, ==, 0);

  /* Words that merely contain an entry do not count: "thanksgiving", "sorrywise". */
  f = analyse ("Thanksgiving plans, sorrywise");
  g_assert_cmpuint (f.gratitude, ==, 0);
  g_assert_cmpuint (f.apologies, ==, 0);

  /* Every occurrence counts: thanks ×3, and ×12 in a row (longer than any entry). */
  f = analyse ("thanks thanks\nthanks");
  g_assert_cmpuint (f.gratitude, ==, 3);
  f = analyse ("thanks thanks thanks thanks thanks thanks thanks thanks thanks thanks thanks "
               "thanks");
  g_assert_cmpuint (f.gratitude, ==, 12);

  /* Overlapping entries in a row: "sorry for" then "the delay" is no entry, so "sorry for the
   * delay" wins (1); then "thank you so much" (1) and "i think" (1), with no gaps. */
  f = analyse ("sorry for the delay thank you so much i think");
  g_assert_cmpuint (f.apologies, ==, 1);
  g_assert_cmpuint (f.gratitude, ==, 1);
  g_assert_cmpuint (f.hedges, ==, 1);
}

static void
test_case_and_unicode (void)
{
  TendContentFeatures f;

  /* Upper case, a hyphenated phrase, a curly apostrophe: 2 gratitude, 1 hedge. */
  f = analyse ("THANKS! Thank-you. I’m not sure yet");
  g_assert_cmpuint (f.gratitude, ==, 2);
  g_assert_cmpuint (f.hedges, ==, 1);

  /* Full-width letters fold to ASCII under NFKC: "ＴＨＡＮＫＳ" is "thanks". */
  f = analyse ("ＴＨＡＮＫＳ");
  g_assert_cmpuint (f.gratitude, ==, 1);

  /* Russian: Спасибо | большое | за | вашу | помощь = 5 words; none of them English entries. */
  f = analyse ("Спасибо большое за вашу помощь!");
  g_assert_cmpuint (f.words, ==, 5);
  g_assert_cmpuint (f.gratitude, ==, 0);

  /* Greek: Ευχαριστώ | πολύ = 2 words; German: Danke | schön | für | alles = 4. */
  f = analyse ("Ευχαριστώ πολύ");
  g_assert_cmpuint (f.words, ==, 2);
  f = analyse ("Danke schön für alles");
  g_assert_cmpuint (f.words, ==, 4);
}

static void
test_quoted_stripped (void)
{
  TendContentFeatures f;

  /* Own text: "Sounds good" (2 words). Quoted lines and everything below "On … wrote:" are
   * someone else's and must not count, thanks and all. */
  f = analyse ("Sounds good\n"
               "\n"
               "On Mon, 3 Dec 2001 at 10:00, Jane Doe <jane@example.com>\n"
               "wrote:\n"
               "> Thanks a lot! Sorry for the mess.\n"
               "> Is it ok?\n");
  g_assert_cmpuint (f.words, ==, 2);
  g_assert_cmpuint (f.gratitude, ==, 0);
  g_assert_cmpuint (f.apologies, ==, 0);
  g_assert_cmpuint (f.questions, ==, 0);

  /* Inline quotes: only the lines without ">" count: "Sorry" and "Done" (2 words, 1 apology). */
  f = analyse ("> Can you fix it? Thanks!\nSorry\n  > again thanks\nDone\n");
  g_assert_cmpuint (f.words, ==, 2);
  g_assert_cmpuint (f.apologies, ==, 1);
  g_assert_cmpuint (f.gratitude, ==, 0);

  /* The signature after "-- " is left out: "See you" = 2 words. */
  f = analyse ("See you\n-- \nThanks and regards, Bob\nPhone: 555\n");
  g_assert_cmpuint (f.words, ==, 2);
  g_assert_cmpuint (f.gratitude, ==, 0);

  /* Outlook: "-----Original Message-----" and a From:/Sent: block. Own: "Approved" = 1 word. */
  f = analyse ("Approved\n\n-----Original Message-----\nFrom: Jane\nSent: Monday\nThanks!\n");
  g_assert_cmpuint (f.words, ==, 1);
  g_assert_cmpuint (f.gratitude, ==, 0);
  f = analyse ("Approved\n________________________________\nFrom: Jane Doe\n"
               "Sent: Monday, 3 December 2001 10:00\nTo: Bob\nSubject: Leave\n\nThanks!\n");
  g_assert_cmpuint (f.words, ==, 1);
  g_assert_cmpuint (f.gratitude, ==, 0);

  /* Lotus Notes forwards and replies, as in the Enron corpus: "ok" = 1 word. */
  f = analyse ("ok\n---------------------- Forwarded by Jane Doe/HOU/ECT on 10/16/2000 01:42 PM"
               " ---------------------------\nThanks, sorry!\n");
  g_assert_cmpuint (f.words, ==, 1);
  f = analyse ("ok\n\n\"Jane Doe\" <jane@example.com> on 05/01/2001 10:00:00 AM\n"
               "To: Bob Smith/HOU/ECT@ECT\ncc:\nSubject: Re: leave\n\nThanks!\n");
  g_assert_cmpuint (f.words, ==, 1);
  g_assert_cmpuint (f.gratitude, ==, 0);

  /* A line "From: …" without a Sent:/Date: line below is the writer's own: 3 words. */
  f = analyse ("From: the start\n");
  g_assert_cmpuint (f.words, ==, 3);
}

static void
test_questions (void)
{
  TendContentFeatures f;

  /* "come?" "not??" "ok?!" = 3; the "?" of a link's query string is none. */
  f = analyse ("Can you come? Why not?? See https://example.com/a?id=3 and ok?!");
  g_assert_cmpuint (f.questions, ==, 3);

  /* Full-width and Arabic question marks: 2. */
  f = analyse ("本当？ هل أنت بخير؟");
  g_assert_cmpuint (f.questions, ==, 2);

  /* A question at the very end, without a newline: 1. */
  f = analyse ("ready?");
  g_assert_cmpuint (f.questions, ==, 1);
  f = analyse ("No questions here.");
  g_assert_cmpuint (f.questions, ==, 0);
}

static void
assert_invalid (const char *data, TendLexiconError code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendLexicon) lexicon = tend_lexicon_new_from_data ("xx", data, strlen (data), &error);

  g_assert_null (lexicon);
  g_assert_error (error, TEND_LEXICON_ERROR, (int) code);
  g_test_message ("%s", error->message);
}

static void
test_format_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TendLexicon) lexicon = NULL;
  static const char   good[] = "\xEF\xBB\xBF# A comment\n"
                               "\n"
                               "tend-lexicon 1 xx\r\n"
                               "[Gratitude]\n"
                               "  merci  \n"
                               "# indented comment\n"
                               "[hedges]\n"
                               "peut-être\n"
                               "je pense\n";
  TendContentFeatures f = { 0 };

  /* A BOM, CRLF, comments, blank lines, spaces and a capitalized section are all fine:
   * 3 entries. */
  lexicon = tend_lexicon_new_from_data ("xx", good, strlen (good), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tend_lexicon_get_n_entries (lexicon), ==, 3);
  tend_lexicon_analyse (lexicon, "Merci ! Je pense que oui, peut-être.", -1, &f);
  g_assert_cmpuint (f.gratitude, ==, 1);
  g_assert_cmpuint (f.hedges, ==, 2);

  assert_invalid ("", TEND_LEXICON_ERROR_INVALID);
  assert_invalid ("# only a comment\n", TEND_LEXICON_ERROR_INVALID);
  assert_invalid ("[gratitude]\nthanks\n", TEND_LEXICON_ERROR_INVALID);       /* no header */
  assert_invalid ("tend-lexicon 2 xx\n", TEND_LEXICON_ERROR_INVALID);         /* version */
  assert_invalid ("tend-lexicon 1 en\n", TEND_LEXICON_ERROR_INVALID);         /* language */
  assert_invalid ("tend-lexicon 1\n", TEND_LEXICON_ERROR_INVALID);            /* fields */
  assert_invalid ("tend-lexicon 1 xx\nthanks\n", TEND_LEXICON_ERROR_INVALID); /* no section */
  assert_invalid ("tend-lexicon 1 xx\n[praise]\nthanks\n", TEND_LEXICON_ERROR_INVALID);
  assert_invalid ("tend-lexicon 1 xx\n[]\n", TEND_LEXICON_ERROR_INVALID);
  assert_invalid ("tend-lexicon 1 xx\n[hedges]\n!!!\n", TEND_LEXICON_ERROR_INVALID);
  assert_invalid ("tend-lexicon 1 xx\n[hedges]\nnot. sure\n", TEND_LEXICON_ERROR_INVALID);
  /* Nine words: longer than an entry may be. */
  assert_invalid ("tend-lexicon 1 xx\n[hedges]\none two three four five six seven eight nine\n",
                  TEND_LEXICON_ERROR_INVALID);
  assert_invalid ("tend-lexicon 1 xx\n[hedges]\nmaybe\n[negative]\nMAYBE\n",
                  TEND_LEXICON_ERROR_INVALID);
  assert_invalid ("tend-lexicon 1 xx\n[hedges]\nmay\xff\n", TEND_LEXICON_ERROR_INVALID);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lexicon/default", test_default);
  g_test_add_func ("/lexicon/words", test_words);
  g_test_add_func ("/lexicon/phrases", test_phrases);
  g_test_add_func ("/lexicon/case-and-unicode", test_case_and_unicode);
  g_test_add_func ("/lexicon/quoted-stripped", test_quoted_stripped);
  g_test_add_func ("/lexicon/questions", test_questions);
  g_test_add_func ("/lexicon/format-errors", test_format_errors);

  return g_test_run ();
}

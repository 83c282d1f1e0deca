/*
 * Judgement of test results: an item's value against its limit (exact decimal comparison,
 * never floating point), and a sample's verdict from its items.
 *
 * Values: numeric items take decimal text ("0.12"), or "ND" (not detected: below the
 * method's limit of detection). Qualitative items take a word; equals-rules pass when it is
 * the expected word (case-sensitive, as stored in the catalogue: "pass" for a label that meets
 * the standard).
 *
 *   min           passes when value >= lo (ND fails: nothing was found)
 *   max           passes when value <= hi (ND passes)
 *   range         passes when lo <= value <= hi (ND fails)
 *   equals        passes when value is the expected word
 *   not_detected  passes only for ND (any measured quantity fails)
 *
 * The verdict of a sample is "fail" if any item fails and "pass" when every item tested on the
 * product has a result and none fails (GB/T 2828-style attribute judgement of a single sample:
 * one failing item makes the product fail).
 */
#ifndef JZ_SAMPLING_JUDGE_H
#define JZ_SAMPLING_JUDGE_H

#include "modules/sampling/catalogue.h"

#define SP_VALUE_MAX    40 /* characters of a result value */
#define SP_NOT_DETECTED "ND"

/* Judges value for item pi. Returns 0 with *judgement "pass" or "fail" (static strings), or
 * -1 with *why (static) when the value is not acceptable for the item (a word for a numeric
 * item, empty, too long, ND for an equals rule). */
int sp_judge_item(const struct sp_product_item *pi, const char *value, const char **judgement,
                  const char **why);

/* The verdict from n judgements ("pass"/"fail"): "fail" if any fails, else "pass". n > 0. */
const char *sp_verdict_of(const char *const *judgements, int n);

#endif

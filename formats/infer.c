/* infer.c - cell classification for text formats (see infer.h). */
#include <stdbool.h>
#include <stdint.h>
#include "lakewatch/infer.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Digits [s, s+n) as a number; -1 when any is not a digit. */
static int num(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* 0: not a number, LW_INFER_INT or LW_INFER_DOUBLE. An integer too big for
 * int64 is a double: that is how readers that do fit it will see it. */
static unsigned classify_number(const char *s, size_t n)
{
	size_t i = 0, digits = 0, frac = 0;
	bool dot = false, exp = false, neg = false;
	uint64_t v = 0;
	bool over = false;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	for (; i < n && is_digit(s[i]); i++, digits++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			over = true;
		else
			v = v * 10 + d;
	}
	if (i < n && s[i] == '.') {
		dot = true;
		for (i++; i < n && is_digit(s[i]); i++)
			frac++;
	}
	if (digits + frac == 0)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t ed = 0;
		exp = true;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (; i < n && is_digit(s[i]); i++)
			ed++;
		if (ed == 0)
			return 0;
	}
	if (i != n)
		return 0;
	if (dot || exp || over)
		return LW_INFER_DOUBLE;
	if (v > (uint64_t)INT64_MAX + (neg ? 1u : 0u))
		return LW_INFER_DOUBLE;
	return LW_INFER_INT;
}

static bool valid_date(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
				    30, 31};
	int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);

	if (y < 0 || m < 1 || m > 12 || d < 1 || s[4] != '-' || s[7] != '-')
		return false;
	if (d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return false;
	return true;
}

/* After the date and its 'T' or ' ': HH:MM[:SS[.f+]][Z|+HH[:]MM|+HH]. */
static bool valid_time(const char *s, size_t n)
{
	size_t i = 5;

	if (n < 5 || s[2] != ':' || num(s, 2) < 0 || num(s, 2) > 23 ||
	    num(s + 3, 2) < 0 || num(s + 3, 2) > 59)
		return false;
	if (i + 3 <= n && s[i] == ':') {
		int sec = num(s + i + 1, 2);
		if (sec < 0 || sec > 60)
			return false;
		i += 3;
		if (i < n && (s[i] == '.' || s[i] == ',')) {
			size_t f = 0;
			for (i++; i < n && is_digit(s[i]); i++)
				f++;
			if (f == 0)
				return false;
		}
	}
	if (i == n)
		return true;
	if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n)
		return true;
	if (s[i] != '+' && s[i] != '-')
		return false;
	i++;
	if (n - i == 2)
		return num(s + i, 2) >= 0 && num(s + i, 2) <= 23;
	if (n - i == 4)
		return num(s + i, 2) >= 0 && num(s + i, 2) <= 23 &&
		       num(s + i + 2, 2) >= 0 && num(s + i + 2, 2) <= 59;
	if (n - i == 5 && s[i + 2] == ':')
		return num(s + i, 2) >= 0 && num(s + i, 2) <= 23 &&
		       num(s + i + 3, 2) >= 0 && num(s + i + 3, 2) <= 59;
	return false;
}

static bool ieq(const char *s, size_t n, const char *word)
{
	size_t i = 0;

	for (; i < n && word[i]; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != word[i])
			return false;
	}
	return i == n && word[i] == '\0';
}

unsigned lw_infer_classify(const char *s, size_t n)
{
	unsigned c;

	if (n == 0)
		return 0;
	c = classify_number(s, n);
	if (c)
		return c;
	if (ieq(s, n, "true") || ieq(s, n, "false"))
		return LW_INFER_BOOL;
	if (n >= 10 && valid_date(s)) {
		if (n == 10)
			return LW_INFER_DATE;
		if ((s[10] == 'T' || s[10] == 't' || s[10] == ' ') &&
		    valid_time(s + 11, n - 11))
			return LW_INFER_TIMESTAMP;
	}
	return LW_INFER_STRING;
}

enum lw_type lw_infer_type(unsigned seen)
{
	if (seen == 0 || (seen & LW_INFER_STRING))
		return LW_T_STRING;
	if ((seen & ~(unsigned)(LW_INFER_INT | LW_INFER_DOUBLE)) == 0)
		return (seen & LW_INFER_DOUBLE) ? LW_T_DOUBLE : LW_T_INT64;
	if (seen == LW_INFER_BOOL)
		return LW_T_BOOLEAN;
	if ((seen & ~(unsigned)(LW_INFER_DATE | LW_INFER_TIMESTAMP)) == 0)
		return (seen & LW_INFER_TIMESTAMP) ? LW_T_TIMESTAMP : LW_T_DATE;
	return LW_T_STRING;
}

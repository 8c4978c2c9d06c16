/* thrift_compact.c - Thrift compact protocol, read side (see thrift.h). */
#include <string.h>
#include "lakewatch/thrift.h"
#include "lakewatch/util.h"

void lw_thrift_init(struct lw_thrift *t, const void *p, size_t n,
		    const char *what, struct lw_err *err)
{
	t->start = t->p = p;
	t->end = t->start + n;
	t->depth = 0;
	t->err = err;
	t->what = what ? what : "thrift";
}

size_t lw_thrift_pos(const struct lw_thrift *t)
{
	return (size_t)(t->p - t->start);
}

static int bad(struct lw_thrift *t, const char *why)
{
	return lw_err_set(t->err, LW_EPARSE, "corrupt %s at byte %zu: %s",
			  t->what, lw_thrift_pos(t), why);
}

int lw_thrift_varint(struct lw_thrift *t, uint64_t *v)
{
	uint64_t r = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (t->p >= t->end)
			return bad(t, "truncated varint");
		uint8_t b = *t->p++;
		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return LW_OK;
		}
	}
	return bad(t, "varint longer than 10 bytes");
}

static int64_t unzigzag(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

int lw_thrift_byte(struct lw_thrift *t, int8_t *v)
{
	if (t->p >= t->end)
		return bad(t, "truncated byte");
	*v = (int8_t)*t->p++;
	return LW_OK;
}

int lw_thrift_i64(struct lw_thrift *t, int64_t *v)
{
	uint64_t u;
	int rc = lw_thrift_varint(t, &u);
	if (rc)
		return rc;
	*v = unzigzag(u);
	return LW_OK;
}

int lw_thrift_i32(struct lw_thrift *t, int32_t *v)
{
	int64_t x;
	int rc = lw_thrift_i64(t, &x);
	if (rc)
		return rc;
	if (x < INT32_MIN || x > INT32_MAX)
		return bad(t, "i32 out of range");
	*v = (int32_t)x;
	return LW_OK;
}

int lw_thrift_i16(struct lw_thrift *t, int16_t *v)
{
	int64_t x;
	int rc = lw_thrift_i64(t, &x);
	if (rc)
		return rc;
	if (x < INT16_MIN || x > INT16_MAX)
		return bad(t, "i16 out of range");
	*v = (int16_t)x;
	return LW_OK;
}

int lw_thrift_double(struct lw_thrift *t, double *v)
{
	uint64_t u = 0;
	if (t->end - t->p < 8)
		return bad(t, "truncated double");
	for (int i = 7; i >= 0; i--)
		u = (u << 8) | t->p[i];
	t->p += 8;
	memcpy(v, &u, sizeof *v);
	return LW_OK;
}

int lw_thrift_binary(struct lw_thrift *t, const uint8_t **p, size_t *n)
{
	uint64_t len;
	int rc = lw_thrift_varint(t, &len);
	if (rc)
		return rc;
	if (len > (uint64_t)(t->end - t->p))
		return bad(t, "string length past the end");
	*p = t->p;
	*n = (size_t)len;
	t->p += len;
	return LW_OK;
}

int lw_thrift_string(struct lw_thrift *t, char **out)
{
	const uint8_t *p = NULL;
	size_t n = 0;
	int rc = lw_thrift_binary(t, &p, &n);
	if (rc)
		return rc;
	*out = lw_xstrndup((const char *)p, n);
	return LW_OK;
}

int lw_thrift_struct_begin(struct lw_thrift *t)
{
	if (t->depth >= LW_THRIFT_MAX_DEPTH)
		return bad(t, "nested too deep");
	t->depth++;
	return LW_OK;
}

void lw_thrift_struct_end(struct lw_thrift *t)
{
	if (t->depth > 0)
		t->depth--;
}

int lw_thrift_field_next(struct lw_thrift *t, int16_t *last,
			 struct lw_thrift_field *f)
{
	if (t->p >= t->end)
		return bad(t, "struct not terminated");
	uint8_t h = *t->p++;
	int type = h & 0x0f, delta = h >> 4;
	f->type = type;
	f->bval = false;
	if (type == LW_TT_STOP) {
		if (delta)
			return bad(t, "bad stop byte");
		f->id = 0;
		return LW_OK;
	}
	if (type > LW_TT_STRUCT)
		return bad(t, "unknown field type");
	if (delta) {
		int id = *last + delta;
		if (id > INT16_MAX)
			return bad(t, "field id overflow");
		f->id = (int16_t)id;
	} else {
		int rc = lw_thrift_i16(t, &f->id);
		if (rc)
			return rc;
	}
	if (type == LW_TT_TRUE || type == LW_TT_FALSE) {
		f->bval = type == LW_TT_TRUE;
		f->type = LW_TT_TRUE;	/* one name for "bool" */
	}
	*last = f->id;
	return LW_OK;
}

int lw_thrift_list_begin(struct lw_thrift *t, int *elem_type, uint32_t *n)
{
	if (t->p >= t->end)
		return bad(t, "truncated list header");
	uint8_t h = *t->p++;
	uint64_t size = h >> 4;
	*elem_type = h & 0x0f;
	if (size == 15) {
		int rc = lw_thrift_varint(t, &size);
		if (rc)
			return rc;
	}
	if (*elem_type == LW_TT_STOP || *elem_type > LW_TT_STRUCT)
		return bad(t, "bad list element type");
	/* Every element takes at least one byte. */
	if (size > (uint64_t)(t->end - t->p))
		return bad(t, "list longer than the data left");
	if (*elem_type == LW_TT_FALSE)
		*elem_type = LW_TT_TRUE;
	*n = (uint32_t)size;
	return LW_OK;
}

int lw_thrift_list_bool(struct lw_thrift *t, bool *v)
{
	int8_t b = 0;
	int rc = lw_thrift_byte(t, &b);
	if (rc)
		return rc;
	*v = b == 1;
	return LW_OK;
}

int lw_thrift_int(struct lw_thrift *t, int type, int64_t *v)
{
	int8_t b = 0;
	int rc;
	switch (type) {
	case LW_TT_BYTE:
		rc = lw_thrift_byte(t, &b);
		*v = b;
		return rc;
	case LW_TT_I16:
	case LW_TT_I32:
	case LW_TT_I64:
		return lw_thrift_i64(t, v);
	default:
		return bad(t, "expected an integer");
	}
}

static int skip_value(struct lw_thrift *t, int type, bool in_container);

static int skip_struct(struct lw_thrift *t)
{
	int16_t last = 0;
	struct lw_thrift_field f;
	int rc = lw_thrift_struct_begin(t);
	while (!rc) {
		if ((rc = lw_thrift_field_next(t, &last, &f)))
			break;
		if (f.type == LW_TT_STOP)
			break;
		rc = skip_value(t, f.type, false);
	}
	lw_thrift_struct_end(t);
	return rc;
}

static int skip_value(struct lw_thrift *t, int type, bool in_container)
{
	const uint8_t *p;
	size_t n;
	uint64_t u;
	double d;
	int rc, et, kt, vt;
	uint32_t cnt;

	switch (type) {
	case LW_TT_TRUE:
	case LW_TT_FALSE:
		if (!in_container)
			return LW_OK;
		__attribute__((fallthrough));	/* one byte in a container */
	case LW_TT_BYTE:
		if (t->p >= t->end)
			return bad(t, "truncated byte");
		t->p++;
		return LW_OK;
	case LW_TT_I16:
	case LW_TT_I32:
	case LW_TT_I64:
		return lw_thrift_varint(t, &u);
	case LW_TT_DOUBLE:
		return lw_thrift_double(t, &d);
	case LW_TT_BINARY:
		return lw_thrift_binary(t, &p, &n);
	case LW_TT_STRUCT:
		return skip_struct(t);
	case LW_TT_LIST:
	case LW_TT_SET:
		if ((rc = lw_thrift_list_begin(t, &et, &cnt)))
			return rc;
		if ((rc = lw_thrift_struct_begin(t)))
			return rc;
		for (uint32_t i = 0; i < cnt && !rc; i++)
			rc = skip_value(t, et, true);
		lw_thrift_struct_end(t);
		return rc;
	case LW_TT_MAP:
		if ((rc = lw_thrift_varint(t, &u)))
			return rc;
		if (u == 0)
			return LW_OK;
		if (u > (uint64_t)(t->end - t->p) / 2)
			return bad(t, "map longer than the data left");
		if (t->p >= t->end)
			return bad(t, "truncated map header");
		kt = *t->p >> 4;
		vt = *t->p & 0x0f;
		t->p++;
		if (kt == LW_TT_STOP || kt > LW_TT_STRUCT ||
		    vt == LW_TT_STOP || vt > LW_TT_STRUCT)
			return bad(t, "bad map element type");
		if ((rc = lw_thrift_struct_begin(t)))
			return rc;
		for (uint64_t i = 0; i < u && !rc; i++) {
			rc = skip_value(t, kt, true);
			if (!rc)
				rc = skip_value(t, vt, true);
		}
		lw_thrift_struct_end(t);
		return rc;
	default:
		return bad(t, "unknown type");
	}
}

int lw_thrift_skip(struct lw_thrift *t, int type)
{
	return skip_value(t, type, false);
}

/* The compiled twin of vclaim_async/_lzstring.py's decompress_from_encoded_uri_component.
 *
 * Same answers and same errors, bit for bit (tests/test_lzstring_differential.py runs both).
 * The Python module stays the reference, the fallback when this file could not be compiled,
 * and the only implementation of compress (the simulator's, not on any hot path).
 *
 * Every dictionary entry is a substring of the output written so far (an LZW entry is the
 * previous output piece plus the first unit of the next one), so the dictionary is an array
 * of (offset, length) pairs into the output buffer: no string per entry, one memcpy per code.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* Py_NO_INLINE is 3.11+; the growth paths stay out of the inlined hot loop. */
#if defined(__GNUC__) || defined(__clang__)
#define LZ_NOINLINE __attribute__((noinline))
#elif defined(_MSC_VER)
#define LZ_NOINLINE __declspec(noinline)
#else
#define LZ_NOINLINE
#endif

/* vclaim_async._lzstring.LZStringError and its LZStringTooLongError, so both paths raise the
 * same classes; fetched on the first error, when that module (which imports this one) has
 * finished loading. */
static PyObject *lz_error = NULL;
static PyObject *lz_too_long = NULL;

/* ASCII -> the character's six bits reversed (the stream is MSB-first per character, codes are
 * built LSB-first), 0xFF outside A-Za-z0-9+-$. "$" is 64 in JS, whose low six bits are 0. */
static uint8_t rev6[256];

/* 32 bits each: half the cache footprint of Py_ssize_t. They cannot wrap: the output never
 * passes MAX_LENGTH_CEILING (2**31 - 1) units, whatever max_length says. */
/* The same bounds as vclaim_async._lzstring (tests/test_lzstring_differential.py checks). */
#define DEFAULT_MAX_LENGTH ((Py_ssize_t)1 << 24)
#define MAX_LENGTH_CEILING (((Py_ssize_t)1 << 31) - 1)
/* The first output buffer is at most this many units; it doubles from there as needed. */
#define INITIAL_CAP_MAX ((Py_ssize_t)1 << 24)

typedef struct {
    uint32_t off;
    uint32_t len;
} entry_t;

typedef struct {
    const uint8_t *data;
    Py_ssize_t length; /* characters */
    Py_ssize_t next;   /* next character to load */
    uint64_t acc;      /* loaded bits not consumed yet, the next one lowest */
    int nacc;
    Py_ssize_t pos; /* bits consumed */
} reader_t;

/* The next nbits (<= 32) as a number; past the last character the stream reads as zeros. */
static inline uint32_t
take(reader_t *r, int nbits)
{
    while (r->nacc < nbits) {
        uint64_t v = r->next < r->length ? rev6[r->data[r->next]] : 0;
        r->next++;
        r->acc |= v << r->nacc;
        r->nacc += 6;
    }
    uint32_t value = (uint32_t)(r->acc & ((((uint64_t)1) << nbits) - 1));
    r->acc >>= nbits;
    r->nacc -= nbits;
    r->pos += nbits;
    return value;
}

static PyObject *
raise_as(PyObject **cls, const char *name, const char *format, ...)
{
    va_list vargs;
    va_start(vargs, format);
    PyObject *message = PyUnicode_FromFormatV(format, vargs);
    va_end(vargs);
    if (message == NULL) {
        return NULL;
    }
    if (*cls == NULL) {
        PyObject *pure = PyImport_ImportModule("vclaim_async._lzstring");
        if (pure != NULL) {
            *cls = PyObject_GetAttrString(pure, name);
            Py_DECREF(pure);
        }
        if (*cls == NULL) {
            Py_DECREF(message);
            return NULL;
        }
    }
    PyErr_SetObject(*cls, message);
    Py_DECREF(message);
    return NULL;
}

#define raise_error(...) raise_as(&lz_error, "LZStringError", __VA_ARGS__)

static PyObject *
truncated(Py_ssize_t length)
{
    return raise_error("LZ-string of length %zd is truncated (no end-of-stream marker)", length);
}

static PyObject *
over(Py_ssize_t length, Py_ssize_t limit, Py_ssize_t end)
{
    if (end > 6 * length) {
        return truncated(length); /* the code reached into the padding: truncated */
    }
    return raise_as(&lz_too_long, "LZStringTooLongError",
                    "LZ-string of length %zd decodes to more than %zd characters", length, limit);
}

typedef struct {
    uint16_t *units;
    Py_ssize_t n;
    Py_ssize_t cap;
    entry_t *dict;
    Py_ssize_t size;
    Py_ssize_t dict_cap;
} state_t;

static LZ_NOINLINE int
grow_output_slow(state_t *s, Py_ssize_t need)
{
    Py_ssize_t cap = s->cap;
    while (cap < need) {
        if (cap > (Py_ssize_t)(UINT32_MAX / 2)) {
            PyErr_NoMemory();
            return -1;
        }
        cap *= 2;
    }
    uint16_t *units = PyMem_Realloc(s->units, (size_t)cap * sizeof(uint16_t));
    if (units == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    s->units = units;
    s->cap = cap;
    return 0;
}

static inline int
grow_output(state_t *s, Py_ssize_t need)
{
    return need <= s->cap ? 0 : grow_output_slow(s, need);
}

static LZ_NOINLINE int
grow_dict(state_t *s)
{
    Py_ssize_t cap = s->dict_cap * 2;
    entry_t *dict = PyMem_Realloc(s->dict, (size_t)cap * sizeof(entry_t));
    if (dict == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    s->dict = dict;
    s->dict_cap = cap;
    return 0;
}

static inline int
add(state_t *s, Py_ssize_t off, Py_ssize_t len)
{
    if (s->size == s->dict_cap && grow_dict(s) < 0) {
        return -1;
    }
    s->dict[s->size].off = (uint32_t)off;
    s->dict[s->size].len = (uint32_t)len;
    s->size++;
    return 0;
}

#define BLOCK 32

static PyObject *
unpaired(Py_ssize_t length)
{
    return raise_error("LZ-string of length %zd decodes to UTF-16 with an unpaired surrogate",
                       length);
}

/* The UTF-16 units as a str, surrogate pairs joined. Every unit is a copy of a literal, so
 * the largest literal is the largest unit: the str's kind is known without a scan. */
static PyObject *
to_str(state_t *s, uint32_t max_unit, int surrogates, Py_ssize_t length)
{
    const uint16_t *units = s->units;
    Py_ssize_t n = s->n;
    if (!surrogates) {
        PyObject *text = PyUnicode_New(n, max_unit);
        if (text == NULL) {
            return NULL;
        }
        if (PyUnicode_KIND(text) == PyUnicode_2BYTE_KIND) {
            memcpy(PyUnicode_2BYTE_DATA(text), units, (size_t)n * sizeof(uint16_t));
        }
        else {
            Py_UCS1 *out = PyUnicode_1BYTE_DATA(text);
            for (Py_ssize_t i = 0; i < n; i++) {
                out[i] = (Py_UCS1)units[i];
            }
        }
        return text;
    }
    /* Branch-free (vectorised) count; if every surrogate is in a pair there are count/2 pairs,
     * and the conversion below refuses any that is not. */
    Py_ssize_t count = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        count += (units[i] & 0xF800) == 0xD800;
    }
    if (count % 2) {
        return unpaired(length);
    }
    PyObject *text = PyUnicode_New(n - count / 2, 0x10FFFF); /* an astral character: UCS4 */
    if (text == NULL) {
        return NULL;
    }
    Py_UCS4 *out = PyUnicode_4BYTE_DATA(text);
    Py_ssize_t i = 0;
    while (i < n) {
        /* Whole blocks without a surrogate widen in a loop the compiler vectorises. */
        if (i + BLOCK <= n) {
            int any = 0;
            for (int k = 0; k < BLOCK; k++) {
                any |= (units[i + k] & 0xF800) == 0xD800;
            }
            if (!any) {
                for (int k = 0; k < BLOCK; k++) {
                    out[k] = units[i + k];
                }
                out += BLOCK;
                i += BLOCK;
                continue;
            }
        }
        uint32_t u = units[i];
        if ((u & 0xF800) != 0xD800) {
            *out++ = u;
            i++;
        }
        else if (u < 0xDC00 && i + 1 < n && (units[i + 1] & 0xFC00) == 0xDC00) {
            *out++ = 0x10000 + ((u - 0xD800) << 10) + (units[i + 1] - 0xDC00u);
            i += 2;
        }
        else {
            Py_DECREF(text);
            return unpaired(length);
        }
    }
    return text;
}

static PyObject *
decode(const uint8_t *data, Py_ssize_t length, Py_ssize_t limit, state_t *s)
{
    reader_t r = {data, length, 0, 0, 0, 0};
    Py_ssize_t data_bits = 6 * length;

    uint32_t first = take(&r, 2);
    if (first == 2) {
        return PyUnicode_New(0, 0);
    }
    if (first == 3) {
        return raise_error("LZ-string of length %zd starts with an invalid code", length);
    }
    uint32_t unit = take(&r, first == 0 ? 8 : 16);
    int surrogates = unit >= 0xD800 && unit <= 0xDFFF;
    uint32_t max_unit = unit;
    if (limit < 1) {
        return over(length, limit, r.pos);
    }
    s->units[0] = (uint16_t)unit;
    s->n = 1;
    s->size = 3; /* codes 0-2: literal 8-bit, literal 16-bit, end */
    if (add(s, 0, 1) < 0) {
        return NULL;
    }
    Py_ssize_t w_off = 0, w_len = 1; /* the previous output piece */
    int nbits = 2;                   /* the bit length of the dictionary's size */

    for (;;) {
        while (((Py_ssize_t)1 << nbits) <= s->size) {
            nbits++;
        }
        if (nbits > 32) {
            /* Unreachable by a real stream (2**32 entries); the pure path fails the same way
             * only after running out of memory, so refuse as a dictionary overflow. */
            return PyErr_NoMemory();
        }
        Py_ssize_t size = s->size;
        Py_ssize_t c = take(&r, nbits);
        if (c > 2 && c <= size) {
            if (r.pos > data_bits) {
                return truncated(length); /* the stream ran into its padding */
            }
            Py_ssize_t e_len = c < size ? s->dict[c].len : w_len + 1;
            if (e_len > limit - s->n) {
                return over(length, limit, r.pos);
            }
            if (grow_output(s, s->n + e_len) < 0) {
                return NULL;
            }
            uint16_t *dst = s->units + s->n;
            if (c < size) {
                const uint16_t *src = s->units + s->dict[c].off;
                if (e_len <= 8) {
                    for (Py_ssize_t i = 0; i < e_len; i++) {
                        dst[i] = src[i];
                    }
                }
                else {
                    memcpy(dst, src, (size_t)e_len * sizeof(uint16_t));
                }
            }
            else {
                /* The classic LZW case: the code this very step defines, w + w[0]. */
                memcpy(dst, s->units + w_off, (size_t)w_len * sizeof(uint16_t));
                dst[w_len] = s->units[w_off];
            }
            /* w + entry[0]: entry[0] now sits right after w in the output. */
            if (add(s, w_off, w_len + 1) < 0) {
                return NULL;
            }
            w_off = s->n;
            w_len = e_len;
            s->n += e_len;
        }
        else if (c == 2) {
            if (r.pos > data_bits) {
                return truncated(length);
            }
            return to_str(s, max_unit, surrogates, length);
        }
        else if (c < 2) {
            unit = take(&r, c == 0 ? 8 : 16);
            if (r.pos > data_bits) {
                return truncated(length);
            }
            if (unit >= 0xD800 && unit <= 0xDFFF) {
                surrogates = 1;
            }
            if (unit > max_unit) {
                max_unit = unit;
            }
            if (1 > limit - s->n) {
                return over(length, limit, r.pos);
            }
            if (grow_output(s, s->n + 1) < 0) {
                return NULL;
            }
            s->units[s->n] = (uint16_t)unit;
            if (add(s, s->n, 1) < 0 || add(s, w_off, w_len + 1) < 0) {
                return NULL;
            }
            w_off = s->n;
            w_len = 1;
            s->n += 1;
        }
        else {
            return raise_error("LZ-string of length %zd refers to code %zd beyond its dictionary "
                               "of %zd",
                               length, c, size);
        }
    }
}

PyDoc_STRVAR(decompress_doc,
             "decompress_from_encoded_uri_component($module, /, data, *, max_length=None)\n"
             "--\n\n"
             "Decompress the output of JavaScript LZString.compressToEncodedURIComponent.\n\n"
             "The compiled twin of vclaim_async._lzstring's pure-Python function: the same "
             "result and the same LZStringError for every input.");

static PyObject *
decompress(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"data", "max_length", NULL};
    PyObject *data;
    PyObject *max_length = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "U|$O:decompress_from_encoded_uri_component",
                                     keywords, &data, &max_length)) {
        return NULL;
    }
    Py_ssize_t limit = DEFAULT_MAX_LENGTH;
    if (max_length != Py_None) {
        PyObject *index = PyNumber_Index(max_length);
        if (index == NULL) {
            return NULL;
        }
        PyObject *zero = PyLong_FromLong(0);
        int negative = zero == NULL ? -1 : PyObject_RichCompareBool(index, zero, Py_LT);
        Py_XDECREF(zero);
        if (negative != 0) {
            if (negative > 0) {
                PyErr_Format(PyExc_ValueError, "max_length must be None or >= 0, not %S",
                             index);
            }
            Py_DECREF(index);
            return NULL;
        }
        limit = PyLong_AsSsize_t(index);
        Py_DECREF(index);
        if (limit == -1 && PyErr_Occurred()) {
            if (!PyErr_ExceptionMatches(PyExc_OverflowError)) {
                return NULL;
            }
            PyErr_Clear();
            limit = MAX_LENGTH_CEILING; /* beyond Py_ssize_t: the ceiling, as any large bound */
        }
        if (limit > MAX_LENGTH_CEILING) {
            limit = MAX_LENGTH_CEILING;
        }
    }

    Py_ssize_t length = PyUnicode_GET_LENGTH(data);
    if (length == 0) {
        return raise_error("LZ-string is empty (the empty text compresses to 'Q')");
    }
    if (!PyUnicode_IS_ASCII(data)) {
        return raise_error("LZ-string of length %zd has a character outside A-Za-z0-9+-$",
                           length);
    }
    const uint8_t *chars = PyUnicode_1BYTE_DATA(data);
    /* Every character is checked before decoding, as the pure path does. */
    for (Py_ssize_t i = 0; i < length; i++) {
        if (rev6[chars[i]] == 0xFF) {
            return raise_error("LZ-string of length %zd has a character outside A-Za-z0-9+-$",
                               length);
        }
    }

    /* Real answers expand ~3.7x; start there and double when a stream needs more. */
    state_t s = {NULL, 0, 0, NULL, 0, 0};
    s.cap = length > INITIAL_CAP_MAX / 4 ? INITIAL_CAP_MAX : length * 4 + 16;
    if (limit < s.cap) {
        s.cap = limit + 1;
    }
    s.dict_cap = length > INITIAL_CAP_MAX ? INITIAL_CAP_MAX : length + 16;
    s.units = PyMem_Malloc((size_t)s.cap * sizeof(uint16_t));
    s.dict = PyMem_Malloc((size_t)s.dict_cap * sizeof(entry_t));
    PyObject *result;
    if (s.units == NULL || s.dict == NULL) {
        result = PyErr_NoMemory();
    }
    else {
        result = decode(chars, length, limit, &s);
    }
    PyMem_Free(s.units);
    PyMem_Free(s.dict);
    return result;
}

static PyMethodDef methods[] = {
    {"decompress_from_encoded_uri_component", (PyCFunction)(void (*)(void))decompress,
     METH_VARARGS | METH_KEYWORDS, decompress_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "vclaim_async._lzstring_c",
    "Compiled LZ-string decoder; use vclaim_async._lzstring, which picks it when present.",
    -1,
    methods,
};

PyMODINIT_FUNC
PyInit__lzstring_c(void)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$";
    memset(rev6, 0xFF, sizeof(rev6));
    for (int value = 0; value < 65; value++) {
        int bits = value & 63, reversed = 0;
        for (int i = 0; i < 6; i++) {
            reversed |= ((bits >> i) & 1) << (5 - i);
        }
        rev6[(uint8_t)alphabet[value]] = (uint8_t)reversed;
    }
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) {
        return NULL;
    }
    if (PyModule_AddIntConstant(m, "DEFAULT_MAX_LENGTH", (long)DEFAULT_MAX_LENGTH) < 0 ||
        PyModule_AddIntConstant(m, "MAX_LENGTH_CEILING", (long)MAX_LENGTH_CEILING) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}

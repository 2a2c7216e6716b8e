// Struct offsets and C constants that the bindings hard-code, because the C
// side only offers them as macros. tests/ffi/gst/layout_test.ts compiles a C
// program against the installed headers and checks every value below. The
// offsets hold on LP64 Linux (x86_64 and aarch64).
//
// GstMiniObject (64 bytes)          GstBuffer (112 bytes)
//   +0  GType type                    +0   GstMiniObject mini_object
//   +8  gint refcount                 +64  GstBufferPool *pool
//   +12 gint lockstate                +72  GstClockTime pts
//   +16 guint flags                   +80  GstClockTime dts
//   ...                               +88  GstClockTime duration
//                                     +96  guint64 offset
//
// GstMessage                        GError
//   +64 GstMessageType type (u32)     +0 GQuark domain (u32)
//   +72 guint64 timestamp             +4 gint code
//   +80 GstObject *src                +8 gchar *message
//
// GTypeInstance: +0 GTypeClass *g_class.   GParamSpec: +16 flags, +24 value_type.
// GValue (24 bytes): +0 GType g_type.      GList: +0 data, +8 next.
// GEnumValue, GFlagsValue: +0 value, +8 value_name, +16 value_nick.

export const MINI_OBJECT_FLAGS = 16;
export const BUFFER_PTS = 72;
export const BUFFER_DTS = 80;
export const BUFFER_DURATION = 88;
/** Bytes of a GstBuffer header that the bindings read: everything up to and including duration. */
export const BUFFER_HEADER_BYTES = 96;

export const GERROR_DOMAIN = 0;
export const GERROR_CODE = 4;
export const GERROR_MESSAGE = 8;

export const MESSAGE_TYPE = 64;
export const MESSAGE_SRC = 80;

export const TYPE_INSTANCE_CLASS = 0;
export const PARAM_SPEC_FLAGS = 16;
export const PARAM_SPEC_VALUE_TYPE = 24;
export const GVALUE_TYPE = 0;
export const GVALUE_SIZE = 24;
export const ENUM_VALUE_NICK = 16;
export const FLAGS_VALUE_VALUE = 0;
export const FLAGS_VALUE_NICK = 16;
export const GLIST_DATA = 0;
export const GLIST_NEXT = 8;

// GstBufferFlags
export const BUFFER_FLAG_DISCONT = 64;
export const BUFFER_FLAG_HEADER = 1024;
export const BUFFER_FLAG_DELTA_UNIT = 8192;

// GstMemoryFlags
export const MEMORY_FLAG_READONLY = 2;

// GstMessageType
export const MESSAGE_EOS = 1;
export const MESSAGE_ERROR = 2;
export const MESSAGE_WARNING = 4;
export const MESSAGE_STATE_CHANGED = 64;
export const MESSAGE_ELEMENT = 32768;
export const MESSAGE_ANY = 0xffffffff;

// GstParseFlags
export const PARSE_FLAG_FATAL_ERRORS = 1;

// GstStateChangeReturn
export const STATE_CHANGE_FAILURE = 0;
export const STATE_CHANGE_SUCCESS = 1;
export const STATE_CHANGE_ASYNC = 2;
export const STATE_CHANGE_NO_PREROLL = 3;

// GstFlowReturn
export const FLOW_OK = 0;
export const FLOW_FLUSHING = -2;
export const FLOW_EOS = -3;

// GParamFlags
export const PARAM_READABLE = 1;
export const PARAM_WRITABLE = 2;

// Fundamental GTypes: G_TYPE_MAKE_FUNDAMENTAL(n) = n << 2.
export const TYPE_CHAR = 12n;
export const TYPE_UCHAR = 16n;
export const TYPE_BOOLEAN = 20n;
export const TYPE_INT = 24n;
export const TYPE_UINT = 28n;
export const TYPE_LONG = 32n;
export const TYPE_ULONG = 36n;
export const TYPE_INT64 = 40n;
export const TYPE_UINT64 = 44n;
export const TYPE_ENUM = 48n;
export const TYPE_FLAGS = 52n;
export const TYPE_FLOAT = 56n;
export const TYPE_DOUBLE = 60n;
export const TYPE_STRING = 64n;
export const TYPE_BOXED = 72n;
export const TYPE_OBJECT = 80n;

/** GST_CLOCK_TIME_NONE, also "wait forever" for timeouts. */
export const CLOCK_TIME_NONE = 0xffff_ffff_ffff_ffffn;

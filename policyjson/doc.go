// Package policyjson is the policy format a site admin writes: one JSON file
// describing the site's privacy policy, from which doui derives the banner,
// the preferences, which trackers wait for which consent and the full
// policy page.
//
// # Reading
//
// [Parse] is strict, because a policy that means something other than the
// admin thinks is worse than one refused with a clear message: unknown
// fields, keys written twice, ids used twice, categories used but not
// defined, a text missing for a declared language, URLs that are not
// absolute http(s) (javascript: and data: included), cookie patterns other
// than an exact name or one prefix ending in '*', measurement IDs other than
// Google Analytics 4's G-…, lifetimes over 13 months, a "necessary" category
// that is not required, invalid UTF-8 and anything after the document are
// all errors. Parse reports every problem at once as an [Errors], each with
// the file, line, column (in characters, as editors count) and JSON path,
// and says what to write instead.
//
// A field is required when its struct tag has neither omitempty nor
// omitzero; every string present must be non-blank. Fields a published
// policy may not state (the scope, a version, the policy page, the
// contact, a service's provider and purpose) are optional, and nothing is
// printed for them when they are absent.
//
// [Check] parses as Parse does and also returns warnings about a valid
// policy: values that look like placeholders or inventions (a measurement
// ID like G-XXXXXXXXXX, an address at a name reserved for examples) and
// what a published policy should not leave out (the contact, a service's
// purpose, what a third party receives). `doui check` prints them.
//
// Parsing reads the text into a small tree of values carrying their byte
// offsets (through encoding/json's token stream, so duplicate keys stay
// visible), then decodes the tree by the struct tags and validates the
// result. Errors are located by JSON path, so validation code never handles
// offsets itself.
//
// # Writing
//
// [Marshal] writes a policy back as indented JSON that parses to the same
// policy and fingerprint.
//
// # Using
//
// [Policy.Config] converts a policy into the [banner.Config] the browser
// gets, with defaults applied and the fingerprint filled in;
// [Policy.Fingerprint] documents what counts as a change of meaning.
//
// web/policy.schema.json expresses the same format as a JSON Schema for
// editors; TestSchemaAgrees keeps the two in step and lists the checks only
// Parse can make.
package policyjson

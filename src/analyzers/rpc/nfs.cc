// NFS: the file names a call carries (v2 RFC 1094, v3 RFC 1813), the operations and names of a
// v4 COMPOUND (RFC 7530 section 16, RFC 8881 section 18), and the reply's status.
#include <string>

#include "analyzers/rpc/limits.h"
#include "analyzers/rpc/programs.h"
#include "analyzers/rpc/xdr_reader.h"

namespace medtap::analyzers::rpc {

namespace {

void addName(events::NfsOperation& out, std::string_view name) {
  if (out.file_names.size() >= kMaxFileNamesPerEvent) return;
  out.file_names.emplace_back(name.substr(0, kMaxFileName));
}

// A file handle: v2 fixed 32 bytes, v3/v4 opaque<64>/<128>.
void skipFh(XdrReader& r, uint32_t version) {
  if (version == 2) {
    r.skip(kNfs2FhSize);
  } else {
    r.opaque(kMaxFhSize);
  }
}

// diropargs: directory handle + file name (v2 2.3.9, v3 diropargs3).
bool readDirop(XdrReader& r, uint32_t version, events::NfsOperation& out) {
  skipFh(r, version);
  const std::string_view name = r.string(kMaxFileName * 4);
  if (!r.ok()) return false;
  addName(out, name);
  return true;
}

// v2: LOOKUP 4, CREATE 9, REMOVE 10, RENAME 11, LINK 12, SYMLINK 13, MKDIR 14, RMDIR 15.
bool parseNfs2Call(uint32_t procedure, XdrReader& r, events::NfsOperation& out) {
  switch (procedure) {
    case 4:
    case 9:
    case 10:
    case 13:
    case 14:
    case 15:
      return readDirop(r, 2, out);
    case 11:
      return readDirop(r, 2, out) && readDirop(r, 2, out);
    case 12:
      skipFh(r, 2);
      return readDirop(r, 2, out);
    default:
      return true;
  }
}

// v3: LOOKUP 3, CREATE 8, MKDIR 9, SYMLINK 10, MKNOD 11, REMOVE 12, RMDIR 13, RENAME 14, LINK 15.
bool parseNfs3Call(uint32_t procedure, XdrReader& r, events::NfsOperation& out) {
  switch (procedure) {
    case 3:
    case 8:
    case 9:
    case 10:
    case 11:
    case 12:
    case 13:
      return readDirop(r, 3, out);
    case 14:
      return readDirop(r, 3, out) && readDirop(r, 3, out);
    case 15:
      skipFh(r, 3);
      return readDirop(r, 3, out);
    default:
      return true;
  }
}

// NFSv4 building blocks (RFC 7530 section 3.3, 16).
constexpr size_t kStateid = 16;
constexpr size_t kVerifier = 8;
constexpr size_t kMaxOpaque = 4096;  // component names, owners, attribute values in one record

void skipBitmap(XdrReader& r) {
  const uint32_t n = r.u32();
  if (n > 64) {
    r.fail();  // no real bitmap is that long
    return;
  }
  for (uint32_t i = 0; i < n && r.ok(); ++i) r.u32();
}
void skipFattr(XdrReader& r) {
  skipBitmap(r);
  r.opaque(kMaxOpaque);
}
void readComponent(XdrReader& r, events::NfsOperation& out) {
  const std::string_view name = r.string(kMaxOpaque);
  if (r.ok()) addName(out, name);
}

// OPEN4args: seqid, share_access, share_deny, open_owner4, openflag4, open_claim4.
void parseOpen(XdrReader& r, events::NfsOperation& out) {
  r.u32();
  r.u32();
  r.u32();
  r.u64();  // clientid
  r.opaque(kMaxOpaque);
  if (r.u32() == 1) {  // OPEN4_CREATE: createhow4
    switch (r.u32()) {
      case 0:  // UNCHECKED4
      case 1:  // GUARDED4
        skipFattr(r);
        break;
      case 2:  // EXCLUSIVE4
        r.skip(kVerifier);
        break;
      case 3:  // EXCLUSIVE4_1
        r.skip(kVerifier);
        skipFattr(r);
        break;
      default:
        r.fail();
    }
  }
  switch (r.u32()) {  // open_claim_type4
    case 0:           // CLAIM_NULL: file
    case 3:           // CLAIM_DELEGATE_PREV: file_delegate_prev
      readComponent(r, out);
      break;
    case 1:  // CLAIM_PREVIOUS: delegate_type
      r.u32();
      break;
    case 2:  // CLAIM_DELEGATE_CUR: delegate_stateid, file
      r.skip(kStateid);
      readComponent(r, out);
      break;
    case 4:  // CLAIM_FH
    case 6:  // CLAIM_DELEG_PREV_FH
      break;
    case 5:  // CLAIM_DELEG_CUR_FH: stateid
      r.skip(kStateid);
      break;
    default:
      r.fail();
  }
}

// Reads one operation's arguments. False when the operation's layout is not known here (its
// arguments cannot be skipped, so the rest of the COMPOUND cannot be read).
bool parseNfs4Op(uint32_t op, XdrReader& r, events::NfsOperation& out) {
  switch (op) {
    case 3:   // ACCESS
    case 19:  // OPENATTR
    case 52:  // SECINFO_NO_NAME
    case 58:  // RECLAIM_COMPLETE
      r.u32();
      return true;
    case 10:  // GETFH
    case 16:  // LOOKUPP
    case 23:  // PUTPUBFH
    case 24:  // PUTROOTFH
    case 27:  // READLINK
    case 31:  // RESTOREFH
    case 32:  // SAVEFH
      return true;
    case 4:  // CLOSE: seqid, stateid
      r.u32();
      r.skip(kStateid);
      return true;
    case 5:  // COMMIT: offset, count
      r.u64();
      r.u32();
      return true;
    case 6: {  // CREATE: createtype4, component, fattr4
      const uint32_t type = r.u32();
      if (type == 5) r.opaque(kMaxOpaque);  // NF4LNK: linkdata
      if (type == 3 || type == 4) r.u64();  // NF4BLK, NF4CHR: specdata4
      readComponent(r, out);
      skipFattr(r);
      return true;
    }
    case 8:   // DELEGRETURN
    case 45:  // FREE_STATEID
      r.skip(kStateid);
      return true;
    case 9:  // GETATTR
      skipBitmap(r);
      return true;
    case 11:  // LINK
    case 15:  // LOOKUP
    case 28:  // REMOVE
    case 33:  // SECINFO
      readComponent(r, out);
      return true;
    case 17:  // NVERIFY
    case 37:  // VERIFY
      skipFattr(r);
      return true;
    case 18:  // OPEN
      parseOpen(r, out);
      return true;
    case 20:  // OPEN_CONFIRM
      r.skip(kStateid);
      r.u32();
      return true;
    case 21:  // OPEN_DOWNGRADE
      r.skip(kStateid);
      r.u32();
      r.u32();
      r.u32();
      return true;
    case 22:  // PUTFH
      r.opaque(kMaxFhSize);
      return true;
    case 25:  // READ: stateid, offset, count
      r.skip(kStateid);
      r.u64();
      r.u32();
      return true;
    case 26:  // READDIR: cookie, cookieverf, dircount, maxcount, attr_request
      r.u64();
      r.skip(kVerifier);
      r.u32();
      r.u32();
      skipBitmap(r);
      return true;
    case 29:  // RENAME: oldname, newname
      readComponent(r, out);
      readComponent(r, out);
      return true;
    case 30:  // RENEW
    case 57:  // DESTROY_CLIENTID
      r.u64();
      return true;
    case 34:  // SETATTR: stateid, fattr4
      r.skip(kStateid);
      skipFattr(r);
      return true;
    case 36:  // SETCLIENTID_CONFIRM
      r.u64();
      r.skip(kVerifier);
      return true;
    case 38:  // WRITE: stateid, offset, stable, data
      r.skip(kStateid);
      r.u64();
      r.u32();
      r.opaque(kMaxFragmentSize);
      return true;
    case 39:  // RELEASE_LOCKOWNER: lock_owner4
      r.u64();
      r.opaque(kMaxOpaque);
      return true;
    case 44:  // DESTROY_SESSION
      r.skip(16);
      return true;
    case 53:  // SEQUENCE: sessionid, sequenceid, slotid, highest_slotid, cachethis
      r.skip(16);
      r.u32();
      r.u32();
      r.u32();
      r.u32();
      return true;
    default:
      return false;
  }
}

// COMPOUND4args: tag, minorversion, argarray<>.
bool parseCompound(XdrReader& r, events::NfsOperation& out) {
  r.string(kMaxOpaque);
  r.u32();
  const uint32_t count = r.u32();
  if (!r.ok()) return false;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t op = r.u32();
    if (!r.ok()) return false;
    if (out.operations.size() >= kMaxCompoundOps) return false;
    const std::string_view name = nfs4OpName(op);
    out.operations.push_back(name.empty() ? std::string_view("unknown") : name);
    if (!parseNfs4Op(op, r, out)) return true;  // unknown layout: the rest cannot be listed
    if (!r.ok()) return false;
  }
  return true;
}

}  // namespace

bool parseNfsCall(uint32_t version, uint32_t procedure, Bytes args, events::NfsOperation& out) {
  XdrReader r(args);
  switch (version) {
    case 2:
      return parseNfs2Call(procedure, r, out);
    case 3:
      return parseNfs3Call(procedure, r, out);
    case 4:
      return procedure == 1 ? parseCompound(r, out) : true;
    default:
      return true;
  }
}

bool parseNfsReply(uint32_t version, uint32_t procedure, Bytes results, events::NfsOperation& out) {
  // Every v2/v3 result except NULL (and v2 ROOT/WRITECACHE, obsolete and void) and every v4
  // COMPOUND4res starts with the status.
  if (procedure == 0) return true;
  if (version == 2 && (procedure == 3 || procedure == 7)) return true;
  if (version < 2 || version > 4) return true;
  XdrReader r(results);
  const uint32_t status = r.u32();
  if (!r.ok()) return false;
  out.status = status;
  return true;
}

}  // namespace medtap::analyzers::rpc

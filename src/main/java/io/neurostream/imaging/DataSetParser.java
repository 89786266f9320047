package io.neurostream.imaging;

import io.neurostream.imaging.ImageDecodeException.Reason;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks the top level of a DICOM data set in one encoding (explicit or implicit VR, little or big
 * endian) and remembers where the wanted elements' values are. Sequences, of defined or undefined
 * length, are skipped whole, so a nested icon image's Rows or Pixel Data never shadows the
 * instance's own, except the sequences the caller names: those are read into {@link Item}s (the
 * wanted elements of each item and, recursively, its named sequences), which is how the
 * Functional Groups of an Enhanced MR instance give each frame its own position. Encapsulated
 * Pixel Data is split into its fragments. Every length is checked against the bytes that remain
 * (and an item against its sequence): damaged input fails with {@link Reason#IMAGE_DECODE_FAILED},
 * it never reads out of bounds or loops, and the items kept are bounded in number.
 */
final class DataSetParser {

  /** Where a value lies in the buffer; {@code fragments} is set for encapsulated Pixel Data. */
  record Element(int offset, int length, String vr, List<Fragment> fragments) {}

  /** One item of encapsulated Pixel Data; {@code itemOffset} counts from the first item. */
  record Fragment(int offset, int length, int itemOffset) {}

  /** An item of a named sequence: its wanted elements and its named sequences' items. */
  record Item(Map<Integer, Element> elements, Map<Integer, List<Item>> sequences) {

    /** The wanted element {@code elementTag} in the first item of sequence {@code sequenceTag}. */
    Element first(int sequenceTag, int elementTag) {
      List<Item> items = sequences.getOrDefault(sequenceTag, List.of());
      return items.isEmpty() ? null : items.get(0).elements().get(elementTag);
    }
  }

  static final int PIXEL_DATA = 0x7FE00010;
  private static final int ITEM = 0xFFFEE000;
  private static final int ITEM_DELIMITER = 0xFFFEE00D;
  private static final int SEQUENCE_DELIMITER = 0xFFFEE0DD;
  private static final long UNDEFINED_LENGTH = 0xFFFFFFFFL;
  /** Nesting deeper than this is not an MR slice but an attack on the stack. */
  private static final int MAX_DEPTH = 32;
  /** Items of named sequences kept per data set: a per-frame group per frame, with room to spare. */
  static final int MAX_ITEMS = 8 * PixelFrames.MAX_FRAMES;

  /** Explicit VRs with a 2-byte reserved field and a 4-byte length (PS3.5 7.1.2). */
  private static final Set<String> LONG_VRS =
      Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");

  private final byte[] b;
  private final boolean implicit;
  private final boolean bigEndian;
  private int pos;
  private final Map<Integer, Element> found = new HashMap<>();
  private final Map<Integer, List<Item>> sequences = new HashMap<>();
  private Set<Integer> wanted = Set.of();
  private Set<Integer> named = Set.of();
  private int items;

  DataSetParser(byte[] bytes, int start, boolean implicit, boolean bigEndian) {
    this.b = bytes;
    this.pos = start;
    this.implicit = implicit;
    this.bigEndian = bigEndian;
  }

  /** Reads the file meta group (always explicit VR little endian) from offset 132. */
  static String transferSyntaxOf(byte[] bytes, int[] end) {
    DataSetParser meta = new DataSetParser(bytes, 132, false, false);
    String syntax = null;
    while (meta.pos + 4 <= bytes.length && meta.u16(meta.pos) == 0x0002) {
      int tag = meta.tagAt(meta.pos);
      Element e = meta.header(false);
      if (e.length < 0) {
        throw failed("file meta element " + tagName(tag) + " has undefined length");
      }
      meta.skip(e.length, tag);
      if (tag == 0x00020010) {
        syntax = meta.string(e, java.nio.charset.StandardCharsets.US_ASCII);
      }
    }
    if (syntax == null || syntax.isEmpty()) {
      throw failed("DICOM file meta group has no Transfer Syntax UID (0002,0010)");
    }
    end[0] = meta.pos;
    return syntax;
  }

  /** What {@link #read} found so far, also after it failed half-way. */
  Map<Integer, Element> found() {
    return found;
  }

  /** The items of the named top-level sequence {@code tag} that {@link #read} read, or none. */
  List<Item> sequence(int tag) {
    return sequences.getOrDefault(tag, List.of());
  }

  /** The wanted top-level elements, up to and including Pixel Data. */
  Map<Integer, Element> read(Set<Integer> wanted, boolean encapsulated) {
    return read(wanted, Set.of(), encapsulated);
  }

  /**
   * The wanted top-level elements, up to and including Pixel Data; the sequences whose tags are
   * in {@code sequenceTags} (at any depth) are read into items holding their wanted elements.
   */
  Map<Integer, Element> read(Set<Integer> wanted, Set<Integer> sequenceTags, boolean encapsulated) {
    this.wanted = wanted;
    this.named = sequenceTags;
    while (pos < b.length) {
      if (b.length - pos < 8) {
        throw truncated("the element header at offset " + pos);
      }
      int tag = tagAt(pos);
      Element e = header(implicit);
      if (named.contains(tag) && holdsItems(e)) {
        sequences.put(tag, items(e, implicit, 1));
        continue;
      }
      if (e.length < 0) {
        if (tag == PIXEL_DATA) {
          if (!encapsulated) {
            throw new ImageDecodeException(Reason.UNSUPPORTED_TRANSFER_SYNTAX,
                "DICOM pixel data is encapsulated (compressed) although the transfer syntax says "
                    + "native; fix the sender's transfer syntax or transcode with "
                    + "'gdcmconv --raw in.dcm out.dcm'");
          }
          found.put(tag, new Element(pos, -1, e.vr, fragments()));
          break;
        }
        skipUndefinedSequence(implicit || "UN".equals(e.vr), 1);
        continue;
      }
      skip(e.length, tag);
      if (wanted.contains(tag)) {
        found.put(tag, e);
      }
      if (tag == PIXEL_DATA) {
        if (encapsulated) {
          throw failed("encapsulated Pixel Data (7FE0,0010) must have undefined length; this one "
              + "declares " + e.length + " bytes");
        }
        break; // nothing after the pixels matters
      }
    }
    return found;
  }

  /** Whether an element named as a sequence is one: SQ, UN (implicit inside) or implicit VR. */
  private static boolean holdsItems(Element e) {
    return e.vr == null || "SQ".equals(e.vr) || "UN".equals(e.vr);
  }

  /** The items of the sequence whose header was just read (its value starts at {@code pos}). */
  private List<Item> items(Element sequence, boolean implicitItems, int depth) {
    if (depth > MAX_DEPTH) {
      throw failed("sequences are nested more than " + MAX_DEPTH + " deep");
    }
    boolean implicitInside = implicitItems || "UN".equals(sequence.vr);
    long end = sequence.length < 0 ? -1 : (long) pos + sequence.length;
    if (end > b.length) {
      throw truncated("a sequence that declares " + sequence.length + " bytes");
    }
    List<Item> out = new ArrayList<>();
    while (end < 0 || pos < end) {
      need(8, "a sequence item");
      int tag = tagAt(pos);
      long len = u32(pos + 4);
      pos += 8;
      if (tag == SEQUENCE_DELIMITER && end < 0) {
        return out;
      }
      if (tag != ITEM) {
        throw failed("expected a sequence item (FFFE,E000) at offset " + (pos - 8) + ", found "
            + tagName(tag));
      }
      if (++items > MAX_ITEMS) {
        throw failed("the data set's functional group sequences hold more than " + MAX_ITEMS
            + " items");
      }
      long itemEnd = len == UNDEFINED_LENGTH ? -1 : (long) pos + checkLength(len, tag);
      if (itemEnd > (end < 0 ? b.length : end)) {
        throw failed("a sequence item at offset " + (pos - 8) + " declares " + len
            + " bytes, beyond its sequence or the file");
      }
      out.add(item(itemEnd, implicitInside, depth));
    }
    if (pos != end) {
      throw failed("a sequence's items overrun its declared length at offset " + pos);
    }
    return out;
  }

  private Item item(long end, boolean implicitItems, int depth) {
    Map<Integer, Element> elements = new HashMap<>();
    Map<Integer, List<Item>> nested = new HashMap<>();
    while (end < 0 || pos < end) {
      need(8, "an item element");
      int tag = tagAt(pos);
      if (end < 0 && tag == ITEM_DELIMITER) {
        pos += 8;
        break;
      }
      Element e = header(implicitItems);
      if (named.contains(tag) && holdsItems(e)) {
        nested.put(tag, items(e, implicitItems, depth + 1));
      } else if (e.length < 0) {
        skipUndefinedSequence(implicitItems || "UN".equals(e.vr), depth + 1);
      } else {
        skip(e.length, tag);
        if (wanted.contains(tag)) {
          elements.put(tag, e);
        }
      }
    }
    if (end >= 0 && pos != end) {
      throw failed("a sequence item's elements overrun its declared length at offset " + pos);
    }
    return new Item(elements.isEmpty() ? Map.of() : elements,
        nested.isEmpty() ? Map.of() : nested);
  }

  private List<Fragment> fragments() {
    List<Fragment> items = new ArrayList<>();
    int first = pos;
    while (true) {
      need(8, "a pixel data item");
      int tag = tagAt(pos);
      long len = u32(pos + 4);
      int itemStart = pos;
      pos += 8;
      if (tag == SEQUENCE_DELIMITER) {
        return items;
      }
      if (tag != ITEM || len == UNDEFINED_LENGTH) {
        throw failed("encapsulated Pixel Data holds " + tagName(tag) + " with length " + len
            + " at offset " + itemStart + "; expected items of defined length");
      }
      int length = checkLength(len, tag);
      skip(length, tag);
      items.add(new Fragment(itemStart + 8, length, itemStart - first));
    }
  }

  private Element header(boolean implicitVr) {
    need(8, "an element header");
    int tag = tagAt(pos);
    if (implicitVr || (tag >>> 16) == 0xFFFE) {
      long len = u32(pos + 4);
      pos += 8;
      return new Element(pos, len == UNDEFINED_LENGTH ? -1 : checkLength(len, tag), null, null);
    }
    String vr = new String(b, pos + 4, 2, java.nio.charset.StandardCharsets.US_ASCII);
    if (LONG_VRS.contains(vr)) {
      need(12, "an element header");
      long len = u32(pos + 8);
      pos += 12;
      return new Element(pos, len == UNDEFINED_LENGTH ? -1 : checkLength(len, tag), vr, null);
    }
    int len = u16(pos + 6);
    pos += 8;
    return new Element(pos, len, vr, null);
  }

  private int checkLength(long len, int tag) {
    if (len > Integer.MAX_VALUE) {
      throw failed("element " + tagName(tag) + " declares an impossible length " + len);
    }
    return (int) len;
  }

  private void skipUndefinedSequence(boolean implicitItems, int depth) {
    if (depth > MAX_DEPTH) {
      throw failed("sequences are nested more than " + MAX_DEPTH + " deep");
    }
    while (true) {
      need(8, "a sequence item");
      int tag = tagAt(pos);
      long len = u32(pos + 4);
      pos += 8;
      if (tag == SEQUENCE_DELIMITER) {
        return;
      }
      if (tag != ITEM) {
        throw failed("expected a sequence item (FFFE,E000) at offset " + (pos - 8) + ", found "
            + tagName(tag));
      }
      if (len == UNDEFINED_LENGTH) {
        skipItemUntilDelimiter(implicitItems, depth);
      } else {
        skip(checkLength(len, tag), tag);
      }
    }
  }

  private void skipItemUntilDelimiter(boolean implicitItems, int depth) {
    while (true) {
      need(8, "an item element");
      int tag = tagAt(pos);
      if (tag == ITEM_DELIMITER) {
        pos += 8;
        return;
      }
      Element e = header(implicitItems);
      if (e.length < 0) {
        skipUndefinedSequence(implicitItems || "UN".equals(e.vr), depth + 1);
      } else {
        skip(e.length, tag);
      }
    }
  }

  /** String value without DICOM padding (trailing space or NUL) and leading spaces. */
  String string(Element e, Charset charset) {
    int end = e.offset + e.length;
    while (end > e.offset && (b[end - 1] == 0 || b[end - 1] == ' ')) {
      end--;
    }
    return new String(b, e.offset, end - e.offset, charset).strip();
  }

  private void skip(int length, int tag) {
    if ((long) pos + length > b.length) {
      throw truncated("element " + tagName(tag) + ", which declares " + length + " bytes but only "
          + (b.length - pos) + " remain");
    }
    pos += length;
  }

  private void need(int count, String what) {
    if ((long) pos + count > b.length) {
      throw truncated(what + " at offset " + pos);
    }
  }

  private int tagAt(int at) {
    return u16(at) << 16 | u16(at + 2);
  }

  /** An unsigned 16-bit number in the data set's byte order. */
  int u16(int at) {
    return bigEndian
        ? (b[at] & 0xff) << 8 | (b[at + 1] & 0xff)
        : (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
  }

  private long u32(int at) {
    return bigEndian
        ? ((long) u16(at)) << 16 | u16(at + 2)
        : ((long) u16(at)) | ((long) u16(at + 2)) << 16;
  }

  static String tagName(int tag) {
    return String.format("(%04X,%04X)", tag >>> 16, tag & 0xffff);
  }

  private ImageDecodeException truncated(String where) {
    return new ImageDecodeException(Reason.IMAGE_DECODE_FAILED,
        "DICOM file (" + b.length + " bytes) is truncated in " + where + "; resend the whole file");
  }

  static ImageDecodeException failed(String message) {
    return new ImageDecodeException(Reason.IMAGE_DECODE_FAILED, message);
  }
}

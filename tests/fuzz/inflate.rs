//! A small raw-DEFLATE (RFC 1951) decoder and a stored-block encoder, so the bundle target can
//! mutate a program bundle's inflated sections and put them back behind a valid header
//! (the runtime keeps its own `miniz_oxide` calls private). Modelled on zlib's `puff.c`.

/// Bit reader over the stream.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    bit: u32,
    nbits: u32,
}

impl Bits<'_> {
    fn need(&mut self, n: u32) -> Option<u32> {
        let mut val = u64::from(self.bit);
        while self.nbits < n {
            let b = *self.data.get(self.pos)?;
            self.pos += 1;
            val |= u64::from(b) << self.nbits;
            self.nbits += 8;
        }
        self.bit = (val >> n) as u32;
        self.nbits -= n;
        Some((val & ((1u64 << n) - 1)) as u32)
    }
}

/// A canonical Huffman code: counts per length and symbols in order.
struct Huffman {
    count: [u16; 16],
    symbol: Vec<u16>,
}

impl Huffman {
    fn new(lengths: &[u8]) -> Huffman {
        let mut count = [0u16; 16];
        for &l in lengths {
            count[l as usize] += 1;
        }
        let mut offs = [0u16; 16];
        for len in 1..15 {
            offs[len + 1] = offs[len] + count[len];
        }
        let mut symbol = vec![0u16; lengths.len()];
        for (s, &l) in lengths.iter().enumerate() {
            if l != 0 {
                symbol[offs[l as usize] as usize] = s as u16;
                offs[l as usize] += 1;
            }
        }
        Huffman { count, symbol }
    }

    fn decode(&self, b: &mut Bits<'_>) -> Option<u16> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= b.need(1)? as i32;
            let count = i32::from(self.count[len]);
            if code - count < first {
                return self.symbol.get((index + (code - first)) as usize).copied();
            }
            index += count;
            first += count;
            first <<= 1;
            code <<= 1;
        }
        None
    }
}

const LBASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEXT: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DBASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DEXT: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

fn codes(
    b: &mut Bits<'_>,
    out: &mut Vec<u8>,
    len: &Huffman,
    dist: &Huffman,
    max: usize,
) -> Option<()> {
    loop {
        let sym = len.decode(b)?;
        if sym < 256 {
            out.push(sym as u8);
        } else if sym == 256 {
            return Some(());
        } else {
            let i = usize::from(sym - 257);
            let n = usize::from(*LBASE.get(i)?) + b.need(u32::from(LEXT[i]))? as usize;
            let d = usize::from(dist.decode(b)?);
            let back = usize::from(*DBASE.get(d)?) + b.need(u32::from(DEXT[d]))? as usize;
            if back > out.len() {
                return None;
            }
            for _ in 0..n {
                out.push(out[out.len() - back]);
            }
        }
        if out.len() > max {
            return None;
        }
    }
}

/// Inflates a raw DEFLATE stream (`None` if it is invalid or inflates past `max` bytes).
pub fn inflate(data: &[u8], max: usize) -> Option<Vec<u8>> {
    let mut b = Bits {
        data,
        pos: 0,
        bit: 0,
        nbits: 0,
    };
    let mut out = Vec::new();
    loop {
        let last = b.need(1)?;
        match b.need(2)? {
            0 => {
                b.bit = 0;
                b.nbits = 0;
                let h = data.get(b.pos..b.pos + 4)?;
                let n = usize::from(u16::from_le_bytes([h[0], h[1]]));
                b.pos += 4;
                out.extend_from_slice(data.get(b.pos..b.pos + n)?);
                b.pos += n;
            }
            1 => {
                let mut l = [0u8; 288];
                l[..144].fill(8);
                l[144..256].fill(9);
                l[256..280].fill(7);
                l[280..].fill(8);
                codes(
                    &mut b,
                    &mut out,
                    &Huffman::new(&l),
                    &Huffman::new(&[5; 30]),
                    max,
                )?;
            }
            2 => {
                let nlen = b.need(5)? as usize + 257;
                let ndist = b.need(5)? as usize + 1;
                let ncode = b.need(4)? as usize + 4;
                const ORDER: [usize; 19] = [
                    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
                ];
                let mut cl = [0u8; 19];
                for &o in ORDER.iter().take(ncode) {
                    cl[o] = b.need(3)? as u8;
                }
                let lencode = Huffman::new(&cl);
                let mut lengths = vec![0u8; nlen + ndist];
                let mut i = 0;
                while i < nlen + ndist {
                    let sym = lencode.decode(&mut b)?;
                    let (val, rep) = match sym {
                        0..=15 => (sym as u8, 1),
                        16 => (*lengths.get(i.checked_sub(1)?)?, 3 + b.need(2)? as usize),
                        17 => (0, 3 + b.need(3)? as usize),
                        _ => (0, 11 + b.need(7)? as usize),
                    };
                    for _ in 0..rep {
                        *lengths.get_mut(i)? = val;
                        i += 1;
                    }
                }
                let len = Huffman::new(&lengths[..nlen]);
                let dist = Huffman::new(&lengths[nlen..]);
                codes(&mut b, &mut out, &len, &dist, max)?;
            }
            _ => return None,
        }
        if out.len() > max {
            return None;
        }
        if last == 1 {
            return Some(out);
        }
    }
}

/// `raw` as a raw DEFLATE stream of stored (uncompressed) blocks.
pub fn store(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 65_535 * 5 + 5);
    let mut chunks = raw.chunks(65_535).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(c) = chunks.next() {
        out.push(u8::from(chunks.peek().is_none()));
        let n = c.len() as u16;
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&(!n).to_le_bytes());
        out.extend_from_slice(c);
    }
    out
}

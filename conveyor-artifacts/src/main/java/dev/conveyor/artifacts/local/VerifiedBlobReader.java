package dev.conveyor.artifacts.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A span of a blob read from its file and verified against the file's {@link BlobChecksums} before any of it is
 * handed over: whole chunks are read (a span that starts or ends inside a chunk reads all of it), each chunk's CRC32C
 * is compared with the trailer's, and the read that would return a byte of a corrupted chunk fails instead. A reader
 * therefore never gets a corrupted byte, and an HTTP response streaming a corrupted blob stops short of its
 * Content-Length (clients take that for a failure) rather than completing.
 *
 * <p>Spans of {@link #READ_AHEAD_BYTES} or more are read ahead into pooled native buffers of
 * {@link #READ_AHEAD_BUFFER}, with direct I/O where the filesystem allows it ({@link DirectIo} says why), while the
 * caller sends the previous buffers: a large download takes the time of the slower of the disk and the network
 * rather than of both. Spans of more than one buffer are read by {@link #LANES} threads, each reading every
 * {@code LANES}th buffer, so that the disk always has two reads to serve: one 4 MiB read at a time, as
 * {@code dd iflag=direct bs=4M} reads, kept this project's virtual disks at half their speed (1 GiB in 1.8–2.0 s where
 * two concurrent readers took 0.8–1.0 s, same machine, same minutes). Buffers are still handed over in the file's
 * order, each verified before it is, so a corrupted chunk read early by one lane fails the read only when its turn
 * comes, after the verified bytes before it. {@link #transferTo} hands the buffers as they are to an output that is also a
 * {@link WritableByteChannel} (the HTTP response), whose socket write then takes them without another copy. It is a
 * platform thread: a virtual one would hold a carrier thread through every read. Smaller spans are read on the
 * caller's thread through the page cache, into a buffer of their size.
 */
final class VerifiedBlobReader extends InputStream {
    /** Spans this large or larger are read ahead. */
    static final long READ_AHEAD_BYTES = 4L * 1024 * 1024;
    /** 4 MiB direct reads: our disks serve them at about 3 GB/s; 1 MiB reads at half that. */
    static final int READ_AHEAD_BUFFER = 4 * 1024 * 1024;
    /** Buffers per lane: two, one being read while the other waits for the sender. */
    private static final int BUFFERS = 2;
    /** Concurrent reads of a large span. */
    static final int LANES = 2;

    private final FileChannel file;
    private final boolean direct;
    private final String what;
    private final long size;
    private final long end;
    private final long firstChunk;
    private final int[] crcs;
    /** Bytes of the first chunk read that come before the span. */
    private final int skip;
    private final NativeBuffers buffers;
    /**
     * Verified buffers from the read-ahead threads (large spans), or null (small ones, read inline): lane {@code i}
     * reads the span's buffers {@code i}, {@code i + lanes}, ...
     */
    private final Handoff<ByteBuffer>[] lanes;
    private final Thread[] ahead;
    private ByteBuffer current;
    /** The lane {@link #current} came from, and how many buffers have been taken from the lanes. */
    private int currentLane = -1;
    private long taken;
    /** Inline: the next file position to read, at the start of a chunk. */
    private long position;
    private IOException failure;
    private boolean ended;

    private VerifiedBlobReader(FileChannel file, boolean direct, NativeBuffers buffers, String what, long size, long offset, long length,
                               int[] crcs) {
        this.file = file;
        this.direct = direct;
        this.what = what;
        this.size = size;
        this.end = offset + length;
        this.firstChunk = offset / BlobChecksums.CHUNK_BYTES;
        this.crcs = crcs;
        this.position = firstChunk * BlobChecksums.CHUNK_BYTES;
        this.skip = (int) (offset - position);
        this.ended = length == 0;
        if (buffers != null && !ended) {
            this.buffers = buffers;
            int count = end - position > buffers.size() ? LANES : 1;
            @SuppressWarnings("unchecked")
            Handoff<ByteBuffer>[] handoffs = new Handoff[count];
            this.lanes = handoffs;
            this.ahead = new Thread[count];
            for (int lane = 0; lane < count; lane++) {
                List<ByteBuffer> circulating = new ArrayList<>();
                for (int i = 0; i < BUFFERS; i++) {
                    circulating.add(buffers.take());
                }
                lanes[lane] = new Handoff<>(circulating, what);
            }
            for (int lane = 0; lane < count; lane++) {
                int first = lane;
                ahead[lane] = Thread.ofPlatform().daemon().name("blob-read-" + lane).start(() -> readAhead(first));
            }
        } else {
            this.buffers = null;
            this.lanes = null;
            this.ahead = null;
        }
    }

    /**
     * Opens {@code length} bytes from {@code offset} of the blob of {@code size} bytes in {@code path}, a file with a
     * checksum trailer (its length already checked by the caller). Large spans take their buffers from {@code buffers}.
     */
    static VerifiedBlobReader open(Path path, long size, long offset, long length, NativeBuffers buffers, String what) throws IOException {
        boolean large = length >= READ_AHEAD_BYTES;
        FileChannel file = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long first = offset / BlobChecksums.CHUNK_BYTES;
            long last = length == 0 ? first - 1 : (offset + length - 1) / BlobChecksums.CHUNK_BYTES;
            // The trailer through the page cache (its reads are not aligned), the span with direct I/O if large.
            int[] crcs = BlobChecksums.read(file, size, first, last, what);
            DirectIo.Opened opened = large ? DirectIo.open(path, buffers, StandardOpenOption.READ) : null;
            if (opened != null) {
                file.close();
                file = opened.channel();
            }
            return new VerifiedBlobReader(file, opened != null, large ? buffers : null, what, size, offset, length, crcs);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** True when the file is read with direct I/O, false when through the page cache. */
    boolean direct() {
        return direct;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!nextBytes()) {
            return -1;
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n && nextBytes()) {
            int step = (int) Math.min(n - skipped, current.remaining());
            current.position(current.position() + step);
            skipped += step;
        }
        return skipped;
    }

    /**
     * Sends the rest of the span to {@code out}: the buffers themselves when {@code out} is a
     * {@link WritableByteChannel}, copied through an array otherwise.
     */
    @Override
    public long transferTo(OutputStream out) throws IOException {
        if (!(out instanceof WritableByteChannel channel)) {
            return super.transferTo(out);
        }
        long sent = 0;
        while (nextBytes()) {
            sent += current.remaining();
            while (current.hasRemaining()) {
                channel.write(current);
            }
        }
        return sent;
    }

    /** Makes {@link #current} hold verified bytes left to hand over; false at the end of the span. */
    private boolean nextBytes() throws IOException {
        while (current == null || !current.hasRemaining()) {
            if (failure != null) {
                throw failure;
            }
            if (ended) {
                return false;
            }
            if (lanes == null) {
                readInline();
            } else {
                takeAhead();
            }
        }
        return true;
    }

    private void readInline() throws IOException {
        if (position >= end) {
            ended = true;
            return;
        }
        int n = bytesFrom(position, Integer.MAX_VALUE);
        if (current == null) {
            current = ByteBuffer.allocate(n); // one buffer: the whole span fits the first read of a small one
        }
        try {
            fill(current, position, n);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        position += n;
    }

    /** Takes the span's next buffer from the lane whose turn it is, giving the one just read back to its own lane. */
    private void takeAhead() throws IOException {
        if (current != null) {
            lanes[currentLane].giveBack(current);
            current = null;
        }
        currentLane = (int) (taken % lanes.length);
        current = lanes[currentLane].next(null);
        taken++;
        if (current == null) {
            // The span's buffers are in order across the lanes: the lane whose turn it was has none, so none has.
            ended = true;
            for (int lane = 0; lane < lanes.length; lane++) {
                joinQuietly(ahead[lane]); // it has read its last buffer or is about to end
                lanes[lane].drain().forEach(buffers::give);
            }
        }
    }

    /**
     * A read-ahead thread: fills and verifies the buffers of its lane, in order ({@code lane}, {@code lane + lanes},
     * ...), until the span's end or a failure.
     */
    private void readAhead(int lane) {
        Handoff<ByteBuffer> handoff = lanes[lane];
        long stride = (long) buffers.size() * lanes.length;
        try {
            for (long at = position + (long) lane * buffers.size(); at < end; at += stride) {
                ByteBuffer buffer = handoff.emptyBuffer();
                int n = bytesFrom(at, buffer.capacity());
                try {
                    fill(buffer, at, n);
                } catch (IOException e) {
                    handoff.fail(e);
                    return;
                }
                handoff.pass(buffer);
            }
            handoff.end();
        } catch (InterruptedException e) {
            // closed by the reader
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many bytes to read from {@code at} (a chunk start): whole chunks up to the span's last, at most {@code max}. */
    private int bytesFrom(long at, int max) {
        long chunkedEnd = Math.min(size, (end + BlobChecksums.CHUNK_BYTES - 1) / BlobChecksums.CHUNK_BYTES * BlobChecksums.CHUNK_BYTES);
        return (int) Math.min(max, chunkedEnd - at);
    }

    /**
     * Reads {@code n} bytes of the file from {@code at} (a chunk start) into {@code buffer}, verifies their chunks, and
     * leaves the buffer holding the bytes of the span among them.
     */
    private void fill(ByteBuffer buffer, long at, int n) throws IOException {
        buffer.clear();
        if (direct) {
            // A direct read asks for a whole aligned buffer and comes back short only at the end of the file (after
            // which another read would start at an unaligned offset, which direct I/O refuses).
            int r = file.read(buffer, at);
            if (r < n) {
                throw shorter(at + Math.max(r, 0));
            }
        } else {
            buffer.limit(n);
            while (buffer.hasRemaining()) {
                if (file.read(buffer, at + buffer.position()) < 0) {
                    throw shorter(at + buffer.position());
                }
            }
        }
        buffer.flip().limit(n);
        for (int from = 0; from < n; from += BlobChecksums.CHUNK_BYTES) {
            ByteBuffer chunk = buffer.duplicate().position(from).limit(Math.min(n, from + BlobChecksums.CHUNK_BYTES));
            long chunkIndex = (at + from) / BlobChecksums.CHUNK_BYTES;
            if (BlobChecksums.crc(chunk) != crcs[(int) (chunkIndex - firstChunk)]) {
                throw new IOException(what + " bytes " + (at + from) + "-" + (at + from + chunk.remaining() - 1)
                        + " do not match their checksum: it is corrupted");
            }
        }
        int first = at == firstChunk * BlobChecksums.CHUNK_BYTES ? skip : 0;
        buffer.position(first).limit((int) (Math.min(end, at + n) - at));
    }

    private IOException shorter(long at) {
        return new IOException(what + " ends at byte " + at + " of " + size + ": it is corrupted");
    }

    /** Stops the read-ahead threads, gives their buffers back and closes the file. */
    @Override
    public void close() throws IOException {
        if (ahead != null) {
            for (Thread thread : ahead) {
                thread.interrupt();
            }
            for (int lane = 0; lane < lanes.length; lane++) {
                joinQuietly(ahead[lane]);
                // Whatever is still out (all of it given back already at the end of a whole read).
                lanes[lane].drain().forEach(buffers::give);
            }
            buffers.give(current);
            current = null;
        }
        file.close();
    }
}

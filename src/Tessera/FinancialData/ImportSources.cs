using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Tessera.FinancialData;

public enum ImportFormat { JsonArray, Ndjson }

/// <summary>Why an import stopped reading its input: the body as a whole is unusable from this point on.</summary>
public sealed class ImportAbortedException(int status, string message, string instruction) : Exception(message)
{
    public int Status { get; } = status;
    public string Instruction { get; } = instruction;
}

/// <summary>
/// Reads import records from a stream without holding it in memory: a JSON array element by element (a
/// Utf8JsonReader over a 64 KiB buffer, grown only for a larger record), or NDJSON line by line over a PipeReader.
/// </summary>
public static class ImportSources
{
    /// <summary>The format a Content-Type names, or null when it names neither.</summary>
    public static ImportFormat? FormatOf(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType)) return null;
        var mediaType = contentType.Split(';', 2)[0].Trim().ToLowerInvariant();
        return mediaType switch
        {
            "application/x-ndjson" or "application/ndjson" or "application/jsonl" or "application/x-jsonlines" or "application/jsonlines" => ImportFormat.Ndjson,
            _ when Http.JsonBody.IsJsonContentType(contentType) => ImportFormat.JsonArray,
            _ => null,
        };
    }

    public static IAsyncEnumerable<ImportSourceRecord> Read(Stream stream, ImportFormat format, int maxRecordBytes, CancellationToken cancellationToken) =>
        format == ImportFormat.JsonArray ? JsonArrayAsync(stream, maxRecordBytes, cancellationToken) : NdjsonAsync(stream, maxRecordBytes, cancellationToken);

    /// <summary>
    /// The elements of a top-level JSON array, each yielded as soon as it is complete. A syntax error ends the
    /// stream exactly after the last complete element (JsonSerializer.DeserializeAsyncEnumerable would drop the
    /// elements already parsed from the same buffer).
    /// </summary>
    private static async IAsyncEnumerable<ImportSourceRecord> JsonArrayAsync(Stream stream, int maxRecordBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        int start = 0, end = 0;
        var final = false;
        var cursor = new ArrayCursor { MaxRecordBytes = maxRecordBytes };
        var records = new List<ImportSourceRecord>();
        while (true)
        {
            records.Clear();
            var error = ArrayCursor.Parse(buffer.AsSpan(start, end - start), final, ref cursor, records, out var consumed);
            start += consumed;
            foreach (var record in records) yield return record;
            // Whether a record arrives in one read or many, one too large ends the array: it cannot be skipped
            // without reading it, unlike an NDJSON line.
            if (ReferenceEquals(error, ArrayCursor.TooLargeError) || (error is null && !final && end - start == buffer.Length && buffer.Length > maxRecordBytes))
                throw new ImportAbortedException(413, "Record too large", $"Record {cursor.Index} is larger than {maxRecordBytes} bytes (Import:MaxRecordBytes); keep each record under that.");
            if (error is not null)
                throw new ImportAbortedException(400, "Malformed JSON",
                    $"The body must be a JSON array of records (or NDJSON with Content-Type: application/x-ndjson). After record {cursor.Index - 1}: {error.Split(" LineNumber:")[0]}");
            if (final)
            {
                if (!cursor.Closed)
                    throw new ImportAbortedException(400, "Malformed JSON", $"The JSON array ends before its closing bracket (after record {cursor.Index - 1}).");
                yield break;
            }

            if (start > 0)
            {
                buffer.AsSpan(start, end - start).CopyTo(buffer);
                end -= start;
                start = 0;
            }
            if (end == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            int read;
            try { read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken); }
            catch (BadHttpRequestException ex) { throw new ImportAbortedException(ex.StatusCode, "Request body could not be read", ex.Message); }
            if (read == 0) final = true;
            end += read;
        }
    }

    /// <summary>Where a streamed JSON array is: the reader's state at the last complete element, and how many came.</summary>
    private struct ArrayCursor()
    {
        private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = 32 });
        private int _phase; // 0: before '[', 1: inside the array, 2: after ']'
        public int Index;
        public int MaxRecordBytes;
        public readonly bool Closed => _phase == 2;
        public const string TooLargeError = "record too large";

        /// <returns>A syntax error, or null.</returns>
        public static string? Parse(ReadOnlySpan<byte> data, bool final, ref ArrayCursor cursor, List<ImportSourceRecord> records, out int consumed)
        {
            consumed = 0;
            var reader = new Utf8JsonReader(data, final, cursor._state);
            try
            {
                while (true)
                {
                    if (!reader.Read()) return null;
                    switch (cursor._phase)
                    {
                        case 0 when reader.TokenType == JsonTokenType.StartArray:
                            cursor._phase = 1;
                            break;
                        case 0:
                            return "the body is not a JSON array";
                        case 1 when reader.TokenType == JsonTokenType.EndArray:
                            cursor._phase = 2;
                            break;
                        case 1:
                            var elementStart = (int)reader.TokenStartIndex;
                            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip()) return null; // incomplete: read more
                            if ((int)reader.BytesConsumed - elementStart > cursor.MaxRecordBytes) return TooLargeError;
                            var element = new Utf8JsonReader(data[elementStart..(int)reader.BytesConsumed], new JsonReaderOptions { MaxDepth = 32 });
                            records.Add(new ImportSourceRecord(cursor.Index++, JsonElement.ParseValue(ref element)));
                            break;
                        default:
                            return "there is content after the closing bracket of the array";
                    }
                    consumed = (int)reader.BytesConsumed;
                    cursor._state = reader.CurrentState;
                }
            }
            catch (JsonException ex)
            {
                return ex.Message;
            }
        }
    }

    /// <summary>One record a line; the index is the 0-based line number. Blank lines are skipped; a line that is not JSON fails alone.</summary>
    private static async IAsyncEnumerable<ImportSourceRecord> NdjsonAsync(Stream stream, int maxRecordBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        try
        {
            var line = 0;
            var done = false;
            var skipping = false;
            while (!done)
            {
                ReadResult result;
                try { result = await reader.ReadAsync(cancellationToken); }
                catch (BadHttpRequestException ex) { throw new ImportAbortedException(ex.StatusCode, "Request body could not be read", ex.Message); }
                var buffer = result.Buffer;
                var records = new List<ImportSourceRecord>();
                while (true)
                {
                    var newline = buffer.PositionOf((byte)'\n');
                    if (skipping)
                    {
                        // The rest of a line already known to be too long: dropped unread, reported once.
                        if (newline is null) { buffer = buffer.Slice(buffer.End); break; }
                        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
                        records.Add(TooLarge(line++, maxRecordBytes));
                        skipping = false;
                        continue;
                    }
                    if (newline is { } end)
                    {
                        var text = buffer.Slice(0, end);
                        records.Add(text.Length > maxRecordBytes ? TooLarge(line++, maxRecordBytes) : ParseLine(line++, text));
                        buffer = buffer.Slice(buffer.GetPosition(1, end));
                        continue;
                    }
                    if (buffer.Length > maxRecordBytes)
                    {
                        skipping = true;
                        buffer = buffer.Slice(buffer.End);
                    }
                    break;
                }
                if (result.IsCompleted)
                {
                    if (skipping) records.Add(TooLarge(line++, maxRecordBytes));
                    else if (buffer.Length > 0) records.Add(ParseLine(line++, buffer));
                    buffer = buffer.Slice(buffer.End);
                    done = true;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                foreach (var record in records)
                    if (record.Index >= 0) yield return record;
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    private static ImportSourceRecord TooLarge(int index, int maxRecordBytes) =>
        new(index, default, $"is larger than {maxRecordBytes} bytes (Import:MaxRecordBytes)");

    private static ImportSourceRecord ParseLine(int index, ReadOnlySequence<byte> line)
    {
        if (IsBlank(line)) return new ImportSourceRecord(-1, default);
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 32 });
            var element = JsonElement.ParseValue(ref reader);
            // One value a line: "{...} {...}" is two records run together, not a record and some noise.
            return reader.Read() ? new ImportSourceRecord(index, default, "is not valid JSON: more than one value on the line") : new ImportSourceRecord(index, element);
        }
        catch (JsonException ex)
        {
            return new ImportSourceRecord(index, default, $"is not valid JSON: {ex.Message.Split(" Path:")[0]}");
        }
    }

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
            foreach (var b in segment.Span)
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r')) return false;
        return true;
    }
}

/// <summary>A read-only view of a request body that stops at a byte limit (chunked bodies carry no length to check first).</summary>
internal sealed class LimitedReadStream(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int read)
    {
        _read += read;
        if (_read > limit)
            throw new ImportAbortedException(413, "Request body too large", $"Keep an import under {limit} bytes (Import:MaxBodyBytes); split larger ones into several batches.");
        return read;
    }
}

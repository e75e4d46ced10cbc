using System.Buffers;
using System.Buffers.Text;
using System.Collections;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Tessera.GraphQL.Utilities;

namespace Tessera.GraphQL.Execution;

/// <summary>
/// Writes compact response JSON straight into a byte buffer: property names come pre-encoded (with quotes and colon)
/// from the collected fields, JSON leaves from <see cref="JsonElement"/> data are copied as raw bytes, and strings
/// are escaped only when they need it. About twice as fast as going through <see cref="Utf8JsonWriter"/> per value.
/// </summary>
internal sealed class CompactJsonWriter
{
    private static readonly byte[] s_null = "null"u8.ToArray();
    private static readonly byte[] s_true = "true"u8.ToArray();
    private static readonly byte[] s_false = "false"u8.ToArray();

    [ThreadStatic]
    private static CompactJsonWriter? t_cached;

    private byte[] _buffer = new byte[4096];
    private int _position;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _position);

    /// <summary>A writer for this thread, emptied; give it back with <see cref="Release"/>.</summary>
    public static CompactJsonWriter Rent()
    {
        var writer = t_cached ?? new CompactJsonWriter();
        t_cached = null;
        writer._position = 0;
        return writer;
    }

    public static void Release(CompactJsonWriter writer)
    {
        if (writer._buffer.Length <= 1 << 20)
        {
            t_cached = writer; // do not keep a huge buffer alive after one big response
        }
    }

    public void WriteResult(ExecutionResult result)
    {
        WriteByte((byte)'{');
        var first = true;
        if (result.Errors is { Count: > 0 } errors)
        {
            WriteRaw("\"errors\":"u8);
            WriteWithJsonWriter(writer =>
            {
                writer.WriteStartArray();
                foreach (var error in errors)
                {
                    ResponseWriter.WriteError(writer, error);
                }

                writer.WriteEndArray();
            });
            first = false;
        }

        if (result.HasData)
        {
            WriteRaw(first ? "\"data\":"u8 : ",\"data\":"u8);
            WriteValue(result.Data);
            first = false;
        }

        if (result.Extensions is { } extensions)
        {
            WriteRaw(first ? "\"extensions\":"u8 : ",\"extensions\":"u8);
            WriteWithJsonWriter(writer => ResponseWriter.WriteValue(writer, extensions));
        }

        WriteByte((byte)'}');
    }

    public void WriteValue(object? value)
    {
        switch (value)
        {
            case null:
                WriteRaw(s_null);
                return;
            case JsonElement element:
                WriteJsonElement(element);
                return;
            case ResponseObject responseObject:
            {
                WriteByte((byte)'{');
                var values = responseObject.Values;
                for (var i = 0; i < values.Length; i++)
                {
                    var name = responseObject.NameBytesAt(i);
                    if (i > 0)
                    {
                        WriteByte((byte)',');
                    }

                    WriteRaw(name);
                    WriteValue(values[i]);
                }

                WriteByte((byte)'}');
                return;
            }

            case List<object?> list:
            {
                WriteByte((byte)'[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        WriteByte((byte)',');
                    }

                    WriteValue(list[i]);
                }

                WriteByte((byte)']');
                return;
            }

            case string s:
                WriteString(s);
                return;
            case bool b:
                WriteRaw(b ? s_true : s_false);
                return;
            case int i32:
                Ensure(11);
                Utf8Formatter.TryFormat(i32, _buffer.AsSpan(_position), out var written);
                _position += written;
                return;
            case long i64:
                Ensure(20);
                Utf8Formatter.TryFormat(i64, _buffer.AsSpan(_position), out written);
                _position += written;
                return;
            case double d:
                WriteDouble(d);
                return;
            case float f:
                WriteDouble(f);
                return;
            case decimal m:
                Ensure(32);
                Utf8Formatter.TryFormat(m, _buffer.AsSpan(_position), out written);
                _position += written;
                return;
            case IEnumerable<KeyValuePair<string, object?>> map:
            {
                WriteByte((byte)'{');
                var firstEntry = true;
                foreach (var (key, item) in map)
                {
                    if (!firstEntry)
                    {
                        WriteByte((byte)',');
                    }

                    firstEntry = false;
                    WriteString(key);
                    WriteByte((byte)':');
                    WriteValue(item);
                }

                WriteByte((byte)'}');
                return;
            }

            case IDictionary dictionary:
            {
                WriteByte((byte)'{');
                var firstEntry = true;
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (!firstEntry)
                    {
                        WriteByte((byte)',');
                    }

                    firstEntry = false;
                    WriteString(entry.Key.ToString() ?? string.Empty);
                    WriteByte((byte)':');
                    WriteValue(entry.Value);
                }

                WriteByte((byte)'}');
                return;
            }

            case IEnumerable enumerable:
            {
                WriteByte((byte)'[');
                var firstItem = true;
                foreach (var item in enumerable)
                {
                    if (!firstItem)
                    {
                        WriteByte((byte)',');
                    }

                    firstItem = false;
                    WriteValue(item);
                }

                WriteByte((byte)']');
                return;
            }
        }

        if (JsonValues.TryGetNumber(value, out var number))
        {
            WriteDouble(number);
            return;
        }

        WriteString(value.ToString() ?? string.Empty);
    }

    private void WriteJsonElement(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
            {
                WriteByte((byte)'{');
                var first = true;
                foreach (var property in element.EnumerateObject())
                {
                    if (!first)
                    {
                        WriteByte((byte)',');
                    }

                    first = false;
                    WriteByte((byte)'"');
                    WriteRaw(JsonMarshal.GetRawUtf8PropertyName(property)); // still escaped, as in the source
                    WriteRaw("\":"u8);
                    WriteJsonElement(property.Value);
                }

                WriteByte((byte)'}');
                return;
            }

            case JsonValueKind.Array:
            {
                WriteByte((byte)'[');
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        WriteByte((byte)',');
                    }

                    first = false;
                    WriteJsonElement(item);
                }

                WriteByte((byte)']');
                return;
            }

            case JsonValueKind.Undefined:
                WriteRaw(s_null);
                return;
            default:
                // A leaf of a parsed, therefore valid, JSON document: its bytes are valid output as they are.
                WriteRaw(JsonMarshal.GetRawUtf8Value(element));
                return;
        }
    }

    private void WriteString(string value)
    {
        Ensure(Encoding.UTF8.GetMaxByteCount(value.Length) + 2);
        _buffer[_position] = (byte)'"';
        var start = _position + 1;
        var length = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(start));
        if (ResponseWriter.RelaxedEncoder.FindFirstCharacterToEncodeUtf8(_buffer.AsSpan(start, length)) < 0)
        {
            _position = start + length;
        }
        else
        {
            // Quotes, backslashes, control characters or invalid text: let the encoder escape it (rare).
            var encoded = JsonEncodedText.Encode(value, ResponseWriter.RelaxedEncoder).EncodedUtf8Bytes;
            _position = start;
            WriteRaw(encoded);
        }

        WriteByte((byte)'"');
    }

    private void WriteDouble(double value)
    {
        if (!double.IsFinite(value))
        {
            WriteRaw(s_null);
            return;
        }

        if (value == 0)
        {
            WriteByte((byte)'0'); // JSON.stringify(-0) is "0"
            return;
        }

        Ensure(32);
        value.TryFormat(_buffer.AsSpan(_position), out var written, "R", CultureInfo.InvariantCulture);
        if (_buffer.AsSpan(_position, written).IndexOf((byte)'E') >= 0)
        {
            // Exponent form: print it as JavaScript does (1e-7, 1e+21) rather than .NET's 1E-07.
            var text = JsonValues.JsNumberToString(value);
            _position += Encoding.ASCII.GetBytes(text, _buffer.AsSpan(_position));
            return;
        }

        _position += written;
    }

    private void WriteWithJsonWriter(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, Encoder = ResponseWriter.RelaxedEncoder }))
        {
            write(writer);
        }

        WriteRaw(buffer.WrittenSpan);
    }

    private void WriteByte(byte value)
    {
        if (_position == _buffer.Length)
        {
            Grow(1);
        }

        _buffer[_position++] = value;
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_position));
        _position += bytes.Length;
    }

    private void Ensure(int count)
    {
        if (_buffer.Length - _position < count)
        {
            Grow(count);
        }
    }

    private void Grow(int count)
    {
        var size = Math.Max(_buffer.Length * 2, _position + count);
        Array.Resize(ref _buffer, size);
    }
}

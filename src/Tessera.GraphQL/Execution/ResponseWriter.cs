using System.Buffers;
using System.Collections;
using System.Text.Json;
using Tessera.GraphQL.Utilities;

namespace Tessera.GraphQL.Execution;

/// <summary>Writes a response straight to a <see cref="Utf8JsonWriter"/> (no intermediate JSON document).</summary>
public static class ResponseWriter
{
    /// <summary>
    /// The encoder responses use: escapes only what JSON requires (like <c>JSON.stringify</c>), not HTML characters;
    /// GraphQL responses are served as JSON, never embedded in HTML.
    /// </summary>
    public static System.Text.Encodings.Web.JavaScriptEncoder RelaxedEncoder => System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>Writes <c>{"errors": [...], "data": ..., "extensions": ...}</c>.</summary>
    public static void Write(Utf8JsonWriter writer, ExecutionResult result)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        writer.WriteStartObject();
        if (result.Errors is { Count: > 0 } errors)
        {
            writer.WritePropertyName("errors");
            writer.WriteStartArray();
            foreach (var error in errors)
            {
                WriteError(writer, error);
            }

            writer.WriteEndArray();
        }

        if (result.HasData)
        {
            writer.WritePropertyName("data");
            WriteValue(writer, result.Data);
        }

        if (result.Extensions is { } extensions)
        {
            writer.WritePropertyName("extensions");
            WriteValue(writer, extensions);
        }

        writer.WriteEndObject();
    }

    /// <summary>Serializes a response to a string.</summary>
    public static string ToJson(ExecutionResult result, bool indented = false)
    {
        if (indented)
        {
            var indentedBuffer = new ArrayBufferWriter<byte>(1024);
            using (var indentedWriter = new Utf8JsonWriter(indentedBuffer, new JsonWriterOptions { Indented = true, SkipValidation = true, Encoder = RelaxedEncoder }))
            {
                Write(indentedWriter, result);
            }

            return System.Text.Encoding.UTF8.GetString(indentedBuffer.WrittenSpan);
        }

        var writer = CompactJsonWriter.Rent();
        try
        {
            writer.WriteResult(result);
            return System.Text.Encoding.UTF8.GetString(writer.Written);
        }
        finally
        {
            CompactJsonWriter.Release(writer);
        }
    }

    /// <summary>Writes the compact JSON response into <paramref name="output"/> (e.g. an HTTP response's <c>PipeWriter</c>).</summary>
    public static void Write(IBufferWriter<byte> output, ExecutionResult result)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(result);
        var writer = CompactJsonWriter.Rent();
        try
        {
            writer.WriteResult(result);
            output.Write(writer.Written);
        }
        finally
        {
            CompactJsonWriter.Release(writer);
        }
    }


    /// <summary>Writes one error object.</summary>
    public static void WriteError(Utf8JsonWriter writer, GraphQLError error)
    {
        writer.WriteStartObject();
        writer.WriteString("message", error.Message);
        if (error.Locations is { Count: > 0 } locations)
        {
            writer.WritePropertyName("locations");
            writer.WriteStartArray();
            foreach (var location in locations)
            {
                writer.WriteStartObject();
                writer.WriteNumber("line", location.Line);
                writer.WriteNumber("column", location.Column);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (error.Path is { } path)
        {
            writer.WritePropertyName("path");
            writer.WriteStartArray();
            foreach (var key in path)
            {
                if (key is int index)
                {
                    writer.WriteNumberValue(index);
                }
                else
                {
                    writer.WriteStringValue(key.ToString());
                }
            }

            writer.WriteEndArray();
        }

        if (error.Extensions is { Count: > 0 } extensions)
        {
            writer.WritePropertyName("extensions");
            WriteValue(writer, extensions);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a result value: response maps, lists, CLR leaves, JsonElements, dictionaries.</summary>
    public static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                return;
            case JsonElement jsonElement:
                if (jsonElement.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                {
                    jsonElement.WriteTo(writer); // re-written compactly, whatever the source's whitespace
                }
                else
                {
                    // A leaf of a parsed (so valid) JSON document: copy its bytes as they are.
                    writer.WriteRawValue(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(jsonElement), skipInputValidation: true);
                }

                return;
            case ResponseObject responseObject:
                writer.WriteStartObject();
                var fieldValues = responseObject.Values;
                for (var index = 0; index < fieldValues.Length; index++)
                {
                    writer.WritePropertyName(responseObject.EncodedKeyAt(index));
                    WriteValue(writer, fieldValues[index]);
                }

                writer.WriteEndObject();
                return;
            case string s:
                writer.WriteStringValue(s);
                return;
            case bool b:
                writer.WriteBooleanValue(b);
                return;
            case int i:
                writer.WriteNumberValue(i);
                return;
            case long l:
                writer.WriteNumberValue(l);
                return;
            case double d:
                if (double.IsFinite(d))
                {
                    writer.WriteNumberValue(d == 0 ? 0d : d); // JSON.stringify(-0) is "0"
                }
                else
                {
                    writer.WriteNullValue();
                }

                return;
            case float f:
                writer.WriteNumberValue(f);
                return;
            case decimal m:
                writer.WriteNumberValue(m);
                return;
            case List<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                return;
            case IEnumerable<KeyValuePair<string, object?>> map:
                writer.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    writer.WritePropertyName(key);
                    WriteValue(writer, item);
                }

                writer.WriteEndObject();
                return;
            case IDictionary dictionary:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    writer.WritePropertyName(entry.Key.ToString() ?? string.Empty);
                    WriteValue(writer, entry.Value);
                }

                writer.WriteEndObject();
                return;
            case IEnumerable enumerable:
                writer.WriteStartArray();
                foreach (var item in enumerable)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                return;
        }

        if (JsonValues.TryGetNumber(value, out var number))
        {
            writer.WriteNumberValue(number);
            return;
        }

        writer.WriteStringValue(value.ToString());
    }
}

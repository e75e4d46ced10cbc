using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Tessera.Http;

/// <summary>
/// Reads a JSON request body by hand so every way it can be wrong gets the documented error body: wrong content
/// type (415), over 64 KiB (413), not JSON (400), not an object (400). No model binding, no ProblemDetails.
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 64 * 1024;

    public readonly record struct Outcome(JsonElement Root, JsonHttpResult<ApiError>? Error);

    /// <param name="emptyIsObject">Treat a missing body as <c>{}</c> (every attribute optional).</param>
    public static async Task<Outcome> ReadObjectAsync(HttpRequest request, bool emptyIsObject, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes) return TooLarge();

        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            int read;
            try { read = await request.Body.ReadAsync(memory, cancellationToken); }
            catch (BadHttpRequestException) { return Fail(400, "Request body could not be read", "Send a complete request body."); }
            if (read == 0) break;
            buffer.Advance(read);
            if (buffer.WrittenCount > MaxBytes) return TooLarge();
        }

        if (buffer.WrittenCount == 0 || IsWhitespace(buffer.WrittenSpan))
        {
            if (emptyIsObject) return new Outcome(EmptyObject, null);
            return Fail(400, "Request body is empty", "Send a JSON object with Content-Type: application/json.");
        }
        if (!IsJsonContentType(request.ContentType))
            return Fail(415, "Unsupported content type", "Send the body as JSON with Content-Type: application/json.");

        try
        {
            using var document = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = 32 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return Fail(400, "Request body must be a JSON object", "Send a JSON object, e.g. {\"email\": \"user@example.com\"}.");
            return new Outcome(document.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            return Fail(400, "Malformed JSON", $"Fix the request body: {ex.Message.Split(" Path:")[0]}");
        }
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private static bool IsWhitespace(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes) if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return false;
        return true;
    }

    public static bool IsJsonContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType)) return false;
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
               || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static Outcome TooLarge() =>
        Fail(413, "Request body too large", $"Keep the request body under {MaxBytes / 1024} KiB.");

    private static Outcome Fail(int status, string message, string instruction) =>
        new(default, ApiError.Result(status, message, instruction));
}

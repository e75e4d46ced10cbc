using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tessera.Metadata;

/// <summary>
/// Quiltt's rule for <c>metadata</c> updates (quiltt.dev/guides/custom-metadata), for every record that has it:
/// the keys sent are merged into the stored object (top level; a nested object replaces the stored value whole),
/// a key sent as <c>null</c> is deleted, and <c>metadata: null</c> resets it to null. The result holds at most
/// <see cref="MaxKeys"/> keys: a merge past that is refused, not truncated. Pure: callers read, decide, write.
/// </summary>
public static class MetadataMerge
{
    public const int MaxKeys = 50;
    public const int MaxKeyLength = 100;

    /// <summary>The stored JSON text; beyond this the column (and a sane payload) ends.</summary>
    public const int MaxJsonLength = 32_768;

    /// <summary>The metadata to store (null: none), or why the update is refused (<see cref="Error"/> set).</summary>
    public readonly record struct Decision(string? Json, string? Error)
    {
        public bool Refused => Error is not null;
    }

    /// <summary>Merges <paramref name="patch"/> (the value sent) into <paramref name="currentJson"/> (the stored text).</summary>
    public static Decision Apply(string? currentJson, JsonElement patch)
    {
        if (patch.ValueKind == JsonValueKind.Null) return new(null, null);
        if (patch.ValueKind != JsonValueKind.Object) return new(null, "metadata must be an object");

        var merged = (currentJson is null ? null : JsonNode.Parse(currentJson) as JsonObject) ?? [];
        var any = false;
        foreach (var property in patch.EnumerateObject())
        {
            any = true;
            if (property.Name.Length is 0 or > MaxKeyLength) return new(null, $"metadata keys must be 1 to {MaxKeyLength} characters");
            if (property.Value.ValueKind == JsonValueKind.Null) merged.Remove(property.Name);
            else merged[property.Name] = JsonNode.Parse(property.Value.GetRawText());
        }
        if (!any) return new(null, "metadata must include at least 1 key (send null to remove all metadata)");
        if (merged.Count > MaxKeys) return new(null, $"metadata must have at most {MaxKeys} keys (it would have {merged.Count})");
        var json = merged.ToJsonString();
        if (json.Length > MaxJsonLength) return new(null, $"metadata is too large (at most {MaxJsonLength} characters of JSON)");
        return new(json, null);
    }

    /// <summary><see cref="Apply(string?, JsonElement)"/> for a value the GraphQL engine coerced from JSON input.</summary>
    public static Decision Apply(string? currentJson, object? patch) =>
        Apply(currentJson, patch as JsonElement? ?? JsonSerializer.SerializeToElement(patch));
}

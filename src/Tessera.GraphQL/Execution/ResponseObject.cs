using System.Collections;
using System.Text.Json;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;

namespace Tessera.GraphQL.Execution;

/// <summary>An ordered response map with keys fixed at creation (one per collected field).</summary>
internal sealed class ResponseObject : IReadOnlyDictionary<string, object?>
{
    private readonly CollectedField[] _fields;

    public ResponseObject(FieldSet fieldSet)
    {
        var fields = fieldSet.Fields;
        _fields = fields;
        Values = new object?[fields.Length];
    }

    public object?[] Values { get; }

    public int Count => _fields.Length;

    public string KeyAt(int index) => _fields[index].ResponseName;

    public JsonEncodedText EncodedKeyAt(int index) => _fields[index].EncodedName;

    public byte[] NameBytesAt(int index) => _fields[index].NameBytes;

    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys
    {
        get
        {
            foreach (var collected in _fields)
            {
                yield return collected.ResponseName;
            }
        }
    }

    IEnumerable<object?> IReadOnlyDictionary<string, object?>.Values => Values;

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, out object? value)
    {
        for (var i = 0; i < _fields.Length; i++)
        {
            if (_fields[i].ResponseName == key)
            {
                value = Values[i];
                return true;
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < _fields.Length; i++)
        {
            yield return new KeyValuePair<string, object?>(_fields[i].ResponseName, Values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A response path not yet allocated: the parent node and this position's key.</summary>
internal readonly struct PathRef
{
    private readonly ResponsePath? _parent;
    private readonly string? _name;
    private readonly int _index;

    public PathRef(ResponsePath? parent, string? name, int index)
    {
        _parent = parent;
        _name = name;
        _index = index;
    }

    public ResponsePath Materialize() => new(_parent, _name, _index);

    public IReadOnlyList<object> ToList() => Materialize().ToList();
}

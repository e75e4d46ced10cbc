using System.Collections;
using System.Text.Json;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;

namespace Tessera.GraphQL.Execution;

/// <summary>
/// An ordered response map with keys fixed at creation (one per collected field), and its own position in the
/// response: the path node its fields' paths hang from.
/// </summary>
internal sealed class ResponseObject : ResponsePath, IReadOnlyDictionary<string, object?>
{
    private readonly CollectedField[] _fields;

    /// <summary>A root object: it has no position, and its fields' paths start with their own names.</summary>
    public ResponseObject(FieldSet fieldSet) : this(fieldSet, default)
    {
        IsRoot = true;
    }

    public ResponseObject(FieldSet fieldSet, PathRef at) : base(at.Parent, at.Name, at.Index)
    {
        var fields = fieldSet.Fields;
        _fields = fields;
        Values = new object?[fields.Length];
    }

    private bool IsRoot { get; }

    /// <summary>The parent of this object's fields' paths.</summary>
    public ResponsePath? FieldsParent => IsRoot ? null : this;

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

    public ResponsePath? Parent => _parent;

    public string? Name => _name;

    public int Index => _index;

    public ResponsePath Materialize() => new(_parent, _name, _index);

    public IReadOnlyList<object> ToList() => Materialize().ToList();
}

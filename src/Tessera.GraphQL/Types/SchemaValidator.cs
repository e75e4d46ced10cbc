namespace Tessera.GraphQL.Types;

/// <summary>The type system validation of the specification (graphql-js <c>validateSchema</c>), worded like graphql-js.</summary>
internal static class SchemaValidator
{
    public static void Validate(Schema schema, List<string> errors)
    {
        ValidateRootTypes(schema, errors);
        ValidateDirectives(schema, errors);
        ValidateTypes(schema, errors);
    }

    private static void ValidateRootTypes(Schema schema, List<string> errors)
    {
        if (schema.QueryType is null)
        {
            errors.Add("Query root type must be provided.");
        }

        var seen = new Dictionary<ObjectType, string>();
        foreach (var (operation, type) in new[] { ("query", schema.QueryType), ("mutation", schema.MutationType), ("subscription", schema.SubscriptionType) })
        {
            if (type is null)
            {
                continue;
            }

            if (seen.TryGetValue(type, out var other))
            {
                errors.Add($"All root types must be different, \"{type.Name}\" type is used as {other} and {operation} root types.");
            }
            else
            {
                seen[type] = operation;
            }
        }
    }

    private static void ValidateName(string name, List<string> errors)
    {
        if (name.StartsWith("__", StringComparison.Ordinal))
        {
            errors.Add($"Name \"{name}\" must not begin with \"__\", which is reserved by GraphQL introspection.");
        }
    }

    private static void ValidateDirectives(Schema schema, List<string> errors)
    {
        foreach (var directive in schema.Directives)
        {
            if (directive.IsSpecified && ReferenceEquals(directive, schema.GetDirective(directive.Name)) && DirectiveDefinition.SpecifiedDirectives.Contains(directive))
            {
                continue;
            }

            ValidateName(directive.Name, errors);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var argument in directive.Arguments)
            {
                ValidateName(argument.Name, errors);
                if (!names.Add(argument.Name))
                {
                    errors.Add($"Argument @{directive.Name}({argument.Name}:) can only be defined once.");
                }

                if (!argument.Type.IsInputType)
                {
                    errors.Add($"The type of @{directive.Name}({argument.Name}:) must be Input Type but got: {argument.Type}.");
                }

                if (argument.Type is NonNullType && !argument.HasDefaultValue && argument.IsDeprecated)
                {
                    errors.Add($"Required argument @{directive.Name}({argument.Name}:) cannot be deprecated.");
                }
            }
        }
    }

    private static void ValidateTypes(Schema schema, List<string> errors)
    {
        foreach (var type in schema.TypeList)
        {
            if (type.IsIntrospectionType)
            {
                continue;
            }

            ValidateName(type.Name, errors);
            switch (type)
            {
                case ObjectType o:
                    ValidateFields(schema, o, errors);
                    ValidateInterfaces(schema, o, errors);
                    break;
                case InterfaceType i:
                    ValidateFields(schema, i, errors);
                    ValidateInterfaces(schema, i, errors);
                    break;
                case UnionType u:
                    ValidateUnion(u, errors);
                    break;
                case EnumType e:
                    ValidateEnum(e, errors);
                    break;
                case InputObjectType input:
                    ValidateInputObject(input, errors);
                    break;
            }
        }

        ValidateInputObjectCycles(schema, errors);
    }

    private static void ValidateFields(Schema schema, ComplexType type, List<string> errors)
    {
        if (type.Fields.Count == 0)
        {
            errors.Add($"Type {type.Name} must define one or more fields.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in type.Fields)
        {
            ValidateName(field.Name, errors);
            if (!names.Add(field.Name))
            {
                errors.Add($"Field \"{type.Name}.{field.Name}\" can only be defined once.");
            }

            if (!field.Type.IsOutputType)
            {
                errors.Add($"The type of {type.Name}.{field.Name} must be Output Type but got: {field.Type}.");
            }

            var argumentNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var argument in field.Arguments)
            {
                ValidateName(argument.Name, errors);
                if (!argumentNames.Add(argument.Name))
                {
                    errors.Add($"Argument \"{type.Name}.{field.Name}({argument.Name}:)\" can only be defined once.");
                }

                if (!argument.Type.IsInputType)
                {
                    errors.Add($"The type of {type.Name}.{field.Name}({argument.Name}:) must be Input Type but got: {argument.Type}.");
                }

                if (argument.Type is NonNullType && !argument.HasDefaultValue && argument.IsDeprecated)
                {
                    errors.Add($"Required argument {type.Name}.{field.Name}({argument.Name}:) cannot be deprecated.");
                }
            }
        }
    }

    private static void ValidateInterfaces(Schema schema, ComplexType type, List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var iface in type.Interfaces)
        {
            if (ReferenceEquals(iface, type))
            {
                errors.Add($"Type {type.Name} cannot implement itself because it would create a circular reference.");
                continue;
            }

            if (!seen.Add(iface.Name))
            {
                errors.Add($"Type {type.Name} can only implement {iface.Name} once.");
                continue;
            }

            // Transitive interfaces must also be declared.
            foreach (var transitive in iface.Interfaces)
            {
                if (!type.Interfaces.Contains(transitive))
                {
                    errors.Add(ReferenceEquals(transitive, type)
                        ? $"Type {type.Name} cannot implement {iface.Name} because it would create a circular reference."
                        : $"Type {type.Name} must implement {transitive.Name} because it is implemented by {iface.Name}.");
                }
            }

            ValidateImplementation(schema, type, iface, errors);
        }
    }

    private static void ValidateImplementation(Schema schema, ComplexType type, InterfaceType iface, List<string> errors)
    {
        foreach (var ifaceField in iface.Fields)
        {
            var fieldName = ifaceField.Name;
            var typeField = type.GetField(fieldName);
            if (typeField is null)
            {
                errors.Add($"Interface field {iface.Name}.{fieldName} expected but {type.Name} does not provide it.");
                continue;
            }

            if (!schema.IsTypeSubTypeOf(typeField.Type, ifaceField.Type))
            {
                errors.Add($"Interface field {iface.Name}.{fieldName} expects type {ifaceField.Type} but {type.Name}.{fieldName} is type {typeField.Type}.");
            }

            foreach (var ifaceArg in ifaceField.Arguments)
            {
                var typeArg = typeField.GetArgument(ifaceArg.Name);
                if (typeArg is null)
                {
                    errors.Add($"Interface field argument {iface.Name}.{fieldName}({ifaceArg.Name}:) expected but {type.Name}.{fieldName} does not provide it.");
                    continue;
                }

                if (!Schema.IsEqualType(ifaceArg.Type, typeArg.Type))
                {
                    errors.Add($"Interface field argument {iface.Name}.{fieldName}({ifaceArg.Name}:) expects type {ifaceArg.Type} but {type.Name}.{fieldName}({ifaceArg.Name}:) is type {typeArg.Type}.");
                }
            }

            foreach (var typeArg in typeField.Arguments)
            {
                if (ifaceField.GetArgument(typeArg.Name) is null && typeArg.Type is NonNullType && !typeArg.HasDefaultValue)
                {
                    errors.Add($"Argument \"{type.Name}.{fieldName}({typeArg.Name}:)\" must not be required type \"{typeArg.Type}\" if not provided by the Interface field \"{iface.Name}.{fieldName}\".");
                }
            }
        }
    }

    private static void ValidateUnion(UnionType union, List<string> errors)
    {
        if (union.DeclaredTypes.Count == 0)
        {
            errors.Add($"Union type {union.Name} must define one or more member types.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in union.DeclaredTypes)
        {
            if (!seen.Add(member.Name))
            {
                errors.Add($"Union type {union.Name} can only include type {member.Name} once.");
                continue;
            }

            if (member is not ObjectType)
            {
                errors.Add($"Union type {union.Name} can only include Object types, it cannot include {member.Name}.");
            }
        }
    }

    private static void ValidateEnum(EnumType enumType, List<string> errors)
    {
        if (enumType.Values.Count == 0)
        {
            errors.Add($"Enum type {enumType.Name} must define one or more values.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in enumType.Values)
        {
            ValidateName(value.Name, errors);
            if (!seen.Add(value.Name))
            {
                errors.Add($"Enum value \"{enumType.Name}.{value.Name}\" can only be defined once.");
            }

            if (value.Name is "true" or "false" or "null")
            {
                errors.Add($"Enum type {enumType.Name} cannot include value: {value.Name}.");
            }
        }
    }

    private static void ValidateInputObject(InputObjectType input, List<string> errors)
    {
        if (input.Fields.Count == 0)
        {
            errors.Add($"Input Object type {input.Name} must define one or more fields.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in input.Fields)
        {
            ValidateName(field.Name, errors);
            if (!seen.Add(field.Name))
            {
                errors.Add($"Field \"{input.Name}.{field.Name}\" can only be defined once.");
            }

            if (!field.Type.IsInputType)
            {
                errors.Add($"The type of {input.Name}.{field.Name} must be Input Type but got: {field.Type}.");
            }

            if (field.Type is NonNullType && !field.HasDefaultValue && field.IsDeprecated)
            {
                errors.Add($"Required input field {input.Name}.{field.Name} cannot be deprecated.");
            }

            if (input.IsOneOf)
            {
                if (field.Type is NonNullType)
                {
                    errors.Add($"OneOf input field {input.Name}.{field.Name} must be nullable.");
                }

                if (field.HasDefaultValue)
                {
                    errors.Add($"OneOf input field {input.Name}.{field.Name} cannot have a default value.");
                }
            }
        }
    }

    private static void ValidateInputObjectCycles(Schema schema, List<string> errors)
    {
        // An input object cannot reference itself through non-null fields only: no finite value would exist.
        var visited = new HashSet<InputObjectType>();
        var pathIndex = new Dictionary<InputObjectType, int>();
        var path = new List<string>();

        void Detect(InputObjectType input)
        {
            if (!visited.Add(input))
            {
                return;
            }

            pathIndex[input] = path.Count;
            foreach (var field in input.Fields)
            {
                if (field.Type is NonNullType { OfType: InputObjectType fieldType })
                {
                    path.Add(field.Name);
                    if (pathIndex.TryGetValue(fieldType, out var cycleIndex))
                    {
                        var cyclePath = string.Join(".", path.Skip(cycleIndex));
                        errors.Add($"Cannot reference Input Object \"{fieldType.Name}\" within itself through a series of non-null fields: \"{cyclePath}\".");
                    }
                    else
                    {
                        Detect(fieldType);
                    }

                    path.RemoveAt(path.Count - 1);
                }
            }

            pathIndex.Remove(input);
        }

        foreach (var type in schema.TypeList)
        {
            if (type is InputObjectType input)
            {
                Detect(input);
            }
        }
    }
}

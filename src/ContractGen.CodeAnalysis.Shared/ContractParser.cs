using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ContractGen.CodeAnalysis;

/// <summary>The outcome of reading one contract: its model when it is valid, and every rule it breaks.</summary>
internal sealed record ContractParseResult(ContractModel? Model, IReadOnlyList<ContractProblem> Problems);

/// <summary>
/// Reads a <c>[ServiceContract]</c> interface into a <see cref="ContractModel"/> and checks the structural rules.
/// The generator uses the model (and generates nothing when there are problems); the analyzers report the problems.
/// One implementation, so the two never disagree.
/// </summary>
internal static class ContractParser
{
    private const int MaxWireNameLength = 256;

    private static readonly HashSet<string> ReservedMemberNames = new(System.StringComparer.Ordinal)
    {
        "MethodIds", "Policies", "Name", "Fingerprint", "Descriptor", "Equals", "GetHashCode", "ToString", "GetType", "ReferenceEquals",
    };

    // The defaults of ServiceContractAttribute's bounds (the runtime's constants; the generator cannot reference it).
    private const int DefaultMaxStringLength = 64 * 1024;
    private const int DefaultMaxCollectionLength = 64 * 1024;
    private const int DefaultMaxByteLength = 1024 * 1024;

    public static ContractParseResult Parse(INamedTypeSymbol contract, KnownTypes known, CancellationToken cancellationToken)
    {
        var problems = new List<ContractProblem>();
        var location = contract.Locations.FirstOrDefault();
        var display = contract.ToDisplayString();

        CheckPartial(contract, problems);
        CheckReachable(contract, problems);
        if (contract.IsGenericType)
        {
            problems.Add(new ContractProblem(DiagnosticIds.GenericContract, location, display));
        }

        var options = ContractOptions.Read(contract, known);
        var wireName = options.Name ?? contract.ToDisplayString(WireTypes.SignatureFormat);
        var context = options.Context;
        if (!IsValidWireName(wireName))
        {
            problems.Add(new ContractProblem(DiagnosticIds.InvalidContractName, GetAttributeLocation(options.Attribute) ?? location, wireName, display));
        }

        var contractRule = Authorization.ReadRule(contract, known, out var contractOpen);
        var validation = new ValidationParser(known,
            options.MaxStringLength ?? DefaultMaxStringLength,
            options.MaxCollectionLength ?? DefaultMaxCollectionLength,
            options.MaxByteLength ?? DefaultMaxByteLength);
        var registrations = new List<FormatterRegistration>();
        var shapes = new WireShapes();
        var methods = new List<MethodModel>();
        foreach (var iface in new[] { contract }.Concat(contract.AllInterfaces))
        {
            foreach (var member in iface.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member.IsStatic || member.IsImplicitlyDeclared)
                {
                    continue;
                }

                switch (member)
                {
                    case IMethodSymbol { MethodKind: MethodKind.Ordinary, IsAbstract: true } method:
                        if (ParseMethod(method, iface, known, context, validation, registrations, shapes, problems) is { } methodModel)
                        {
                            var methodRule = Authorization.ReadRule(method, known, out var methodOpen);
                            methods.Add(methodModel with { Policy = Authorization.GetPolicy(contractRule, contractOpen, methodRule, methodOpen, context) });
                        }

                        break;
                    case IMethodSymbol { MethodKind: MethodKind.Ordinary }:
                        // A default-implemented method runs locally in the caller; it is not part of the wire contract.
                        break;
                    case IMethodSymbol:
                        // Accessors of properties and events are reported with their property or event.
                        break;
                    default:
                        problems.Add(new ContractProblem(DiagnosticIds.NonMethodMember, member.Locations.FirstOrDefault(), member.Name, display));
                        break;
                }
            }
        }

        CheckCollisions(methods, contract, problems);
        if (problems.Count > 0)
        {
            return new ContractParseResult(null, problems);
        }

        var model = new ContractModel(
            contract.ContainingNamespace.IsGlobalNamespace ? string.Empty : contract.ContainingNamespace.ToDisplayString(),
            new EquatableArray<ContainingTypeModel>(GetContainingTypes(contract)),
            contract.Name,
            contract.ToDisplayString(WireTypes.EmitFormat),
            GetBaseName(contract.Name),
            GetAccessibility(contract.DeclaredAccessibility),
            wireName,
            context,
            ComputeFingerprint(wireName, methods),
            new EquatableArray<MethodModel>(methods),
            new EquatableArray<FormatterRegistration>(DistinctRegistrations(registrations)),
            new EquatableArray<TypeValidatorModel>(validation.TypeValidators),
            SymbolFacts.IsObsolete(contract),
            new EquatableArray<ShapeDefinition>(shapes.Definitions));
        return new ContractParseResult(ObsoleteContexts.Propagate(model), problems);
    }

    /// <summary>The fingerprint: a hash of the wire name and the sorted method signatures, so declaration order does not matter.</summary>
    public static ulong ComputeFingerprint(string wireName, IEnumerable<MethodModel> methods)
        => Fnv.Hash64(wireName + "\n" + string.Join("\n", methods.Select(m => m.Signature).OrderBy(s => s, System.StringComparer.Ordinal)));

    private static MethodModel? ParseMethod(IMethodSymbol method, INamedTypeSymbol declaringInterface, KnownTypes known, int context, ValidationParser validation, List<FormatterRegistration> registrations, WireShapes shapes, List<ContractProblem> problems)
    {
        var location = method.Locations.FirstOrDefault();
        var problemCount = problems.Count;
        if (method.IsGenericMethod)
        {
            problems.Add(new ContractProblem(DiagnosticIds.GenericMethod, location, method.Name));
        }

        // Return type: Task, Task<T>, ValueTask, ValueTask<T>.
        ReturnKind? returnKind = null;
        ITypeSymbol? resultType = null;
        if (method.ReturnType is INamedTypeSymbol returnType)
        {
            var definition = returnType.OriginalDefinition;
            if (SymbolEqualityComparer.Default.Equals(definition, known.Task))
            {
                returnKind = ReturnKind.Task;
            }
            else if (SymbolEqualityComparer.Default.Equals(definition, known.ValueTask))
            {
                returnKind = ReturnKind.ValueTask;
            }
            else if (SymbolEqualityComparer.Default.Equals(definition, known.TaskOfT))
            {
                returnKind = ReturnKind.TaskOfT;
                resultType = returnType.TypeArguments[0];
            }
            else if (SymbolEqualityComparer.Default.Equals(definition, known.ValueTaskOfT))
            {
                returnKind = ReturnKind.ValueTaskOfT;
                resultType = returnType.TypeArguments[0];
            }
            else if (SymbolEqualityComparer.Default.Equals(definition, known.AsyncEnumerableOfT))
            {
                returnKind = ReturnKind.AsyncEnumerable;
                resultType = returnType.TypeArguments[0];
            }
        }

        if (returnKind is null)
        {
            problems.Add(new ContractProblem(DiagnosticIds.UnsupportedReturnType, GetReturnTypeLocation(method) ?? location, method.Name, method.ReturnType.ToDisplayString()));
        }

        WireTypeModel? result = null;
        if (resultType is not null)
        {
            var firstRegistration = registrations.Count;
            result = WireTypes.Classify(resultType, known, registrations, out var problem);
            MarkObsoleteRegistrations(registrations, firstRegistration, resultType);
            if (result is null)
            {
                problems.Add(TransferProblems.Create(problem!, $"the result of '{method.Name}'", GetReturnTypeLocation(method) ?? location));
            }
            else
            {
                result = result with { Shape = shapes.ForValue(resultType, null, "result") };
            }
        }

        var parameters = new List<ParameterModel>();
        string? cancellationTokenName = null;
        for (var i = 0; i < method.Parameters.Length; i++)
        {
            var parameter = method.Parameters[i];
            var parameterLocation = parameter.Locations.FirstOrDefault() ?? location;
            if (parameter.RefKind != RefKind.None)
            {
                problems.Add(new ContractProblem(DiagnosticIds.UnsupportedParameterModifier, parameterLocation, parameter.Name, method.Name,
                    // The modifier as written in C# ('in' and 'ref readonly'), not RefKind's member names.
                    parameter.RefKind switch { RefKind.Ref => "ref", RefKind.Out => "out", RefKind.In => "in", _ => "ref readonly" }));
                continue;
            }

            if (SymbolEqualityComparer.Default.Equals(parameter.Type, known.CancellationToken))
            {
                if (i != method.Parameters.Length - 1)
                {
                    problems.Add(new ContractProblem(DiagnosticIds.MisplacedCancellationToken, parameterLocation, parameter.Name, method.Name));
                }

                cancellationTokenName = parameter.Name;
                continue;
            }

            // A daemon's callback parameter gets the advice that fits it (CGEN3005) instead of the generic CGEN1005.
            if (DaemonCallbackRule.Check(parameter, method, context, parameterLocation) is { } callback)
            {
                problems.Add(callback);
                continue;
            }

            var firstRegistration = registrations.Count;
            var wireType = WireTypes.Classify(parameter.Type, known, registrations, out var problem);
            MarkObsoleteRegistrations(registrations, firstRegistration, parameter.Type);
            if (wireType is null)
            {
                problems.Add(TransferProblems.Create(problem!, $"parameter '{parameter.Name}' of '{method.Name}'", parameterLocation));
                continue;
            }

            var check = validation.ForParameter(parameter);
            parameters.Add(new ParameterModel(parameter.Name, wireType with { Shape = shapes.ForValue(parameter.Type, check, parameter.Name) }, check));
        }

        var isOneWay = method.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, known.OneWayAttribute));
        if (isOneWay && resultType is not null)
        {
            problems.Add(new ContractProblem(DiagnosticIds.OneWayWithResult, GetReturnTypeLocation(method) ?? location, method.Name));
        }

        if (problems.Count > problemCount)
        {
            return null;
        }

        var signature = $"{method.Name}({string.Join(",", method.Parameters.Where(p => cancellationTokenName != p.Name).Select(p => p.Type.ToDisplayString(WireTypes.SignatureFormat)))}):"
            + (resultType is null ? "void" : returnKind == ReturnKind.AsyncEnumerable ? $"stream<{resultType.ToDisplayString(WireTypes.SignatureFormat)}>" : resultType.ToDisplayString(WireTypes.SignatureFormat));
        return new MethodModel(
            method.Name,
            method.Name,
            declaringInterface.ToDisplayString(WireTypes.EmitFormat),
            Fnv.Hash32(signature),
            signature,
            returnKind!.Value,
            WireTypes.GetReturnTypeName(method.ReturnType),
            result,
            new EquatableArray<ParameterModel>(parameters),
            cancellationTokenName,
            default,
            isOneWay,
            SymbolFacts.IsObsolete(method) || (resultType is not null && SymbolFacts.UsesObsoleteType(resultType)) || method.Parameters.Any(p => SymbolFacts.UsesObsoleteType(p.Type)));
    }

    /// <summary>Marks the formatter registrations made for <paramref name="type"/> (from <paramref name="first"/> on) obsolete when it names an obsolete type.</summary>
    private static void MarkObsoleteRegistrations(List<FormatterRegistration> registrations, int first, ITypeSymbol type)
    {
        if (SymbolFacts.UsesObsoleteType(type))
        {
            for (var i = first; i < registrations.Count; i++)
            {
                registrations[i] = registrations[i] with { IsObsolete = true };
            }
        }
    }

    /// <summary>
    /// One registration per formatter, in a stable order. A formatter also registered for a type that is not obsolete
    /// (say, <c>int?</c> inside an obsolete dictionary and alone) names nothing obsolete.
    /// </summary>
    private static IEnumerable<FormatterRegistration> DistinctRegistrations(List<FormatterRegistration> registrations)
        => registrations
            .GroupBy(r => (r.TypeName, r.IsPackable))
            .Select(g => g.First() with { IsObsolete = g.All(r => r.IsObsolete) })
            .OrderBy(r => r.TypeName, System.StringComparer.Ordinal);

    /// <summary>
    /// Two methods with one wire identifier cannot be told apart on the wire (same signature through two base
    /// interfaces, or a hash collision). Overloads get distinct member names for the generated constants.
    /// </summary>
    private static void CheckCollisions(List<MethodModel> methods, INamedTypeSymbol contract, List<ContractProblem> problems)
    {
        foreach (var group in methods.GroupBy(m => m.Id).Where(g => g.Count() > 1))
        {
            var signatures = group.Select(m => m.Signature).ToArray();
            problems.Add(new ContractProblem(DiagnosticIds.MethodIdentityCollision, contract.Locations.FirstOrDefault(),
                string.Join("' and '", signatures), contract.ToDisplayString(), group.Key.ToString("x8", System.Globalization.CultureInfo.InvariantCulture)));
        }

        // Names the generated classes use for their own members: a method called so gets a suffix in generated code.
        for (var i = 0; i < methods.Count; i++)
        {
            if (ReservedMemberNames.Contains(methods[i].Name))
            {
                methods[i] = methods[i] with { MemberName = methods[i].Name + "_" };
            }
        }

        foreach (var group in methods.GroupBy(m => m.Name).Where(g => g.Count() > 1))
        {
            var index = 0;
            foreach (var method in group.ToArray())
            {
                if (index > 0)
                {
                    methods[methods.IndexOf(method)] = method with { MemberName = method.MemberName + "_" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                }

                index++;
            }
        }
    }

    private static void CheckPartial(INamedTypeSymbol contract, List<ContractProblem> problems)
    {
        for (INamedTypeSymbol? type = contract; type is not null; type = type.ContainingType)
        {
            var isPartial = type.DeclaringSyntaxReferences.Any(r =>
                r.GetSyntax() is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!isPartial)
            {
                problems.Add(new ContractProblem(DiagnosticIds.ContractMustBePartial, type.Locations.FirstOrDefault(), type.Name, contract.ToDisplayString()));
            }
        }
    }

    /// <summary>
    /// The generated module initializer registers the contract, and it must be reachable from module level: so must the
    /// interface and every type containing it. Reported once, at the contract, naming every type that is not.
    /// </summary>
    private static void CheckReachable(INamedTypeSymbol contract, List<ContractProblem> problems)
    {
        var hidden = SymbolFacts.TypesHiddenFromModule(contract);
        if (hidden.Count > 0)
        {
            var names = hidden.Select(t => $"'{t.Name}' ({(t.IsFileLocal ? "file" : GetAccessibility(t.DeclaredAccessibility))})");
            problems.Add(new ContractProblem(DiagnosticIds.ContractNotReachable, contract.Locations.FirstOrDefault(), string.Join(" and ", names), contract.ToDisplayString()));
        }
    }

    private static List<ContainingTypeModel> GetContainingTypes(INamedTypeSymbol contract)
    {
        var chain = new List<ContainingTypeModel>();
        for (var type = contract.ContainingType; type is not null; type = type.ContainingType)
        {
            var keyword = type switch
            {
                { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
                { IsRecord: true } => "record",
                { TypeKind: TypeKind.Struct } => "struct",
                { TypeKind: TypeKind.Interface } => "interface",
                _ => "class",
            };
            chain.Insert(0, new ContainingTypeModel(keyword, type.Name));
        }

        return chain;
    }

    private static string GetBaseName(string interfaceName)
        => interfaceName.Length > 1 && interfaceName[0] == 'I' && char.IsUpper(interfaceName[1]) ? interfaceName.Substring(1) : interfaceName;

    private static string GetAccessibility(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "internal",
    };

    private static bool IsValidWireName(string name)
        => name.Length is > 0 and <= MaxWireNameLength
           && name.Trim().Length == name.Length
           && name.All(ch => !char.IsControl(ch) && !char.IsWhiteSpace(ch));

    private static Location? GetAttributeLocation(AttributeData? attribute)
        => attribute?.ApplicationSyntaxReference?.GetSyntax().GetLocation();

    /// <summary>Where a method's return type is written (a result's problems point there), or null for a method from metadata.</summary>
    internal static Location? GetReturnTypeLocation(IMethodSymbol method)
        => method.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<MethodDeclarationSyntax>().FirstOrDefault()?.ReturnType.GetLocation();
}

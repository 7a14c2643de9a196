using System.Diagnostics.CodeAnalysis;

namespace ItInventory.Functions.Common;

/// <summary>
/// Either a value or the <see cref="Common.Problem"/> that stopped it: what services answer instead of throwing. The
/// compiler knows what <see cref="Failed"/> implies, so callers need no <c>!</c>. A trigger turns an outcome into its
/// response with <see cref="OrThrow"/>; the HTTP error middleware writes the problem.
/// </summary>
public readonly struct Outcome<T>
{
    private Outcome(T value)
    {
        Value = value;
        Problem = null;
        Failed = false;
    }

    private Outcome(Problem problem)
    {
        Value = default;
        Problem = problem;
        Failed = true;
    }

    public T? Value { get; }

    public Problem? Problem { get; }

    [MemberNotNullWhen(true, nameof(Problem))]
    [MemberNotNullWhen(false, nameof(Value))]
    public bool Failed { get; }

    public static implicit operator Outcome<T>(T value) => new(value);

    /// <summary>A success, for values C# cannot convert implicitly (interfaces, null of a nullable type).</summary>
    public static Outcome<T> Of(T value) => new(value);

    public static implicit operator Outcome<T>(Problem problem) => new(problem);

    /// <summary>The value; a failed outcome throws its problem as a <see cref="ProblemException"/>.</summary>
    public T OrThrow() => Failed ? throw new ProblemException(Problem) : Value;
}

/// <summary>Helpers for awaiting outcomes in triggers.</summary>
public static class OutcomeExtensions
{
    /// <summary>Awaits the outcome and answers its value, or throws its problem (see <see
    /// cref="Outcome{T}.OrThrow"/>).</summary>
    public static async Task<T> OrThrow<T>(this Task<Outcome<T>> outcome) => (await outcome).OrThrow();

    /// <summary>Throws the problem when there is one: for rules that answer <c>Problem?</c> (null = allowed).</summary>
    public static void ThrowIfAny(this Problem? problem)
    {
        if (problem is not null)
            throw new ProblemException(problem);
    }
}

/// <summary>
/// A <see cref="Common.Problem"/> on its way to the client: thrown by triggers (never by services, which answer
/// <see cref="Outcome{T}"/>), written as <c>application/problem+json</c> by the HTTP error middleware. It is an
/// expected answer, not a fault: it is not logged as an error.
/// </summary>
public sealed class ProblemException(Problem problem) : Exception(problem.Detail)
{
    public Problem Problem { get; } = problem;
}

using System.Buffers;
using System.Globalization;

namespace Airlock.Audit.Chain;

/// <summary>
/// The one chained log record a commit writes. A commit that writes one record chains it as it is (<c>call</c> or
/// <c>complete</c>); one that writes several chains them together as a <c>batch</c>, a JSON array of
/// <c>{"kind":…,"id":…,"record":…}</c> in the order written. Under load a commit carries the decisions and outcomes of
/// many calls, and each log record costs an insert and a hash whatever it holds.
/// </summary>
internal sealed class CommitRecord
{
    public const string Call = "call";
    public const string Complete = "complete";
    public const string Batch = "batch";

    private static ReadOnlySpan<byte> NoId => "{\"Id\":0,"u8;

    private readonly ArrayBufferWriter<byte> _body;
    private readonly bool _batch;
    private int _records;

    /// <param name="records">How many records the commit writes.</param>
    /// <param name="bytes">About how many bytes their JSON holds, to size the body once.</param>
    public CommitRecord(int records, int bytes)
    {
        _batch = records > 1;
        _body = new ArrayBufferWriter<byte>(bytes + records * 48 + 2);
        if (_batch)
        {
            Write("["u8);
        }
    }

    /// <summary>The log record's kind: the single record's own, or <see cref="Batch"/>.</summary>
    public string Kind { get; private set; } = Batch;

    /// <summary>The highest audit row id the record writes or completes: where retention may delete rows up to once it is pruned.</summary>
    public long RecordId { get; private set; }

    /// <summary>Adds a decision, whose JSON was written before its id was known (with <c>"Id":0</c> first).</summary>
    public void AddCall(long id, ReadOnlySpan<byte> jsonWithoutId)
    {
        if (!jsonWithoutId.StartsWith(NoId))
        {
            throw new InvalidOperationException("An audit record's JSON does not start with its id.");
        }

        Begin(Call, id);
        Write(NoId[..^2]);
        WriteNumber(id);
        Write(","u8);
        Write(jsonWithoutId[NoId.Length..]);
        End();
    }

    /// <summary>Adds the outcome of the call recorded as row <paramref name="id"/>.</summary>
    public void AddOutcome(long id, ReadOnlySpan<byte> json)
    {
        Begin(Complete, id);
        Write(json);
        End();
    }

    /// <summary>The record's content, as it is hashed and stored, once every record is added.</summary>
    public ReadOnlyMemory<byte> Finish()
    {
        if (_batch)
        {
            Write("]"u8);
        }

        return _body.WrittenMemory;
    }

    private void Begin(string kind, long id)
    {
        RecordId = Math.Max(RecordId, id);
        if (!_batch)
        {
            Kind = _records++ == 0 ? kind : throw new InvalidOperationException("A commit record made for one record was given another.");
            return;
        }

        if (_records++ > 0)
        {
            Write(","u8);
        }

        Write(kind == Call ? "{\"kind\":\"call\",\"id\":"u8 : "{\"kind\":\"complete\",\"id\":"u8);
        WriteNumber(id);
        Write(",\"record\":"u8);
    }

    private void End()
    {
        if (_batch)
        {
            Write("}"u8);
        }
    }

    private void WriteNumber(long value)
    {
        var span = _body.GetSpan(20);
        value.TryFormat(span, out var length, default, CultureInfo.InvariantCulture);
        _body.Advance(length);
    }

    private void Write(ReadOnlySpan<byte> bytes) => _body.Write(bytes);
}

using System.Text;
using Ratus.Api.Json;
using Ratus.Domain.Errors;
using Ratus.Domain.Time;

namespace Ratus.Api.Tests.Json;

public sealed class WireReaderTests
{
    [Test]
    public void ReadTask_AllMembers_KeepsPayloadBytesExactly()
    {
        const string payload = """{"b":1, "a":12345678901234567890,"s":"<\u0026>","f":1.0}""";
        var task = WireReader.ReadTask(Encoding.UTF8.GetBytes(
            $$"""{"_id":"1","topic":"t","state":3,"nonce":"n","producer":"p","consumer":"c","produced":"2020-01-01T00:00:00Z","defer":"5s","payload":{{payload}},"extra":[1,{"x":null}]}"""));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.Id, Is.EqualTo("1"));
            Assert.That(task.Topic, Is.EqualTo("t"));
            Assert.That(task.State, Is.EqualTo(3));
            Assert.That(task.Nonce, Is.EqualTo("n"));
            Assert.That(task.Producer, Is.EqualTo("p"));
            Assert.That(task.Consumer, Is.EqualTo("c"));
            Assert.That(task.Produced, Is.EqualTo((Timestamp)new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            Assert.That(task.Defer, Is.EqualTo("5s"));
            Assert.That(Encoding.UTF8.GetString(task.Payload!), Is.EqualTo(payload));
        }
    }

    [Test]
    public void ReadTask_MemberNamesInOtherCase_MatchLikeGo()
    {
        var task = WireReader.ReadTask("""{"TOPIC":"t","Payload":"x","_ID":"7"}"""u8);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.Topic, Is.EqualTo("t"));
            Assert.That(task.Id, Is.EqualTo("7"));
            Assert.That(Encoding.UTF8.GetString(task.Payload!), Is.EqualTo("\"x\""));
        }
    }

    [Test]
    public void ReadTask_NullMembersAndNullBody_AreAbsent()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(WireReader.ReadTask("null"u8).Id, Is.Null);
            Assert.That(WireReader.ReadTask("""{"_id":null,"payload":null,"state":null}"""u8).Payload, Is.Null);
        }
    }

    [TestCase("""{"_id":1}""", "json: cannot unmarshal number into Go struct field Task._id of type string")]
    [TestCase("""{"state":"1"}""", "json: cannot unmarshal string into Go struct field Task.state of type ratus.TaskState")]
    [TestCase("""{"state":1.5}""", "json: cannot unmarshal number 1.5 into Go struct field Task.state of type ratus.TaskState")]
    [TestCase("""{"scheduled":5}""", "json: cannot unmarshal number into Go struct field Task.scheduled of type time.Time")]
    [TestCase("""[1]""", "json: cannot unmarshal array into Go value of type ratus.Task")]
    public void ReadTask_WrongType_ThrowsGoMessage(string json, string message) =>
        Assert.That(() => WireReader.ReadTask(Encoding.UTF8.GetBytes(json)),
            Throws.TypeOf<BadRequestException>().With.Message.EqualTo("bad request: " + message));

    [TestCase("garbage")]
    [TestCase("""{"_id":"1",}""")]
    [TestCase("""{"_id":"1"} {}""")]
    [TestCase("""{"_id":"1" """)]
    public void ReadTask_InvalidJson_ThrowsBadRequest(string json) =>
        Assert.That(() => WireReader.ReadTask(Encoding.UTF8.GetBytes(json)), Throws.TypeOf<BadRequestException>());

    [Test]
    public void ReadTasks_DataNotArray_ThrowsGoMessage() =>
        Assert.That(() => WireReader.ReadTasks("""{"data":1}"""u8),
            Throws.TypeOf<BadRequestException>().With.Message.Contains("cannot unmarshal number into Go struct field Tasks.data"));

    [Test]
    public void ReadTasks_EmptyObjectOrNullData_IsEmptyBatch()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(WireReader.ReadTasks("{}"u8), Is.Empty);
            Assert.That(WireReader.ReadTasks("""{"data":null}"""u8), Is.Empty);
            Assert.That(WireReader.ReadTasks("""{"data":[{"_id":"a"},{"_id":"b"}]}"""u8).Select(t => t.Id), Is.EqualTo(new[] { "a", "b" }));
        }
    }

    [Test]
    public void ReadCommit_NullStateAndPayload_MeanUnchanged()
    {
        var commit = WireReader.ReadCommit("""{"state":null,"payload":null,"nonce":"n","defer":"1s"}"""u8);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(commit.State, Is.Null);
            Assert.That(commit.Payload, Is.Null);
            Assert.That(commit.Nonce, Is.EqualTo("n"));
            Assert.That(commit.Defer, Is.EqualTo("1s"));
        }
    }

    [Test]
    public void ReadPromise_Members_AreRead()
    {
        var promise = WireReader.ReadPromise("""{"_id":"1","consumer":"c","deadline":"2030-01-01T00:00:00Z","timeout":"1m"}"""u8);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(promise.Id, Is.EqualTo("1"));
            Assert.That(promise.Consumer, Is.EqualTo("c"));
            Assert.That(promise.Deadline, Is.EqualTo((Timestamp)new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            Assert.That(promise.Timeout, Is.EqualTo("1m"));
        }
    }

    [Test]
    public void ReadPromise_WrongType_ThrowsBadRequest() =>
        Assert.That(() => WireReader.ReadPromise("""{"timeout":30}"""u8),
            Throws.TypeOf<BadRequestException>().With.Message.Contains("cannot unmarshal number"));
}

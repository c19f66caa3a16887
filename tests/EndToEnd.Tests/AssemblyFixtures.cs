// One private RabbitMQ node for this whole test assembly (tests/TestSupport/RabbitMqFixture.cs).
[assembly: AssemblyFixture(typeof(ImageSearch.TestSupport.RabbitMqFixture))]

# The worker image, as it was first written: the gate fails it.
FROM ubuntu:latest
ENV API_TOKEN=changeme
RUN apt-get update
RUN apt-get install -y curl ca-certificates python3
RUN curl -fsSL https://example.com/install-agent.sh | sh
ADD https://example.com/worker.tar.gz /opt/worker/
CMD ["python3", "/opt/worker/main.py"]

# Deepgram Doctor: a Slack bot. Configure it with environment variables at `docker run`; nothing
# secret is baked into the image.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEEPGRAM_DOCTOR_DB=/data/deepgram-doctor.db \
    PORT=3000

RUN useradd --create-home --uid 10001 doctor \
    && mkdir /data && chown doctor:doctor /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY simworld ./simworld
RUN pip install .

USER doctor
VOLUME ["/data"]
EXPOSE 3000

# In both transports the running bot refreshes its heartbeat file (HEALTH_FILE, by default
# /data/deepgram-doctor.db-health.json) and `deepgram-doctor healthcheck` reads it (in HTTP mode it also
# asks GET /healthz): it exits 1 and prints which part is unhealthy (Slack connection, status poll,
# alert courier, database) and why.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["deepgram-doctor", "healthcheck"]

CMD ["deepgram-doctor", "serve"]
